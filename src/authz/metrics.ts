/**
 * The sidecar's Prometheus metrics (prom-client), in a registry of their own: decisions by
 * result, decision latency, bundle revision and age, bundle activations and rejections,
 * budget rejections, and JWT failures by reason. Workers' registries are summed by the primary.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class Metrics {
  readonly registry = new Registry();
  readonly decisions: Counter<"result">;
  readonly latency: Histogram<"result">;
  readonly jwtFailures: Counter<"reason">;
  readonly budgetRejections: Counter<"scope">;
  readonly bundleActivations: Counter<"result">;
  readonly bundleInfo: Gauge<"revision">;
  readonly bundleActivatedAt: Gauge;
  readonly evalErrors: Counter;
  readonly bundlePolls: Counter<"result">;
  readonly bundleLastSuccess: Gauge;
  readonly budgetStoreMode: Gauge<"mode">;
  readonly budgetSettlements: Counter<"result">;
  readonly refusals: Counter<"limit">;
  readonly limitRejections: Counter<"limit">;
  private activatedAt = 0;

  constructor() {
    const registers = [this.registry];
    this.decisions = new Counter({ name: "regent_decisions_total", help: "Check decisions by result (allow, deny, error).", labelNames: ["result"], registers });
    this.latency = new Histogram({
      name: "regent_decision_duration_seconds",
      help: "Time from CheckRequest decoded to CheckResponse ready.",
      labelNames: ["result"],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5],
      registers,
    });
    this.jwtFailures = new Counter({ name: "regent_jwt_failures_total", help: "Bearer tokens that failed verification, by reason.", labelNames: ["reason"], registers });
    this.budgetRejections = new Counter({ name: "regent_budget_rejections_total", help: "Allowed requests denied because the token budget was spent.", labelNames: ["scope"], registers });
    this.bundleActivations = new Counter({ name: "regent_bundle_activations_total", help: "Bundle activations by result (activated, rejected).", labelNames: ["result"], registers });
    this.evalErrors = new Counter({ name: "regent_eval_errors_total", help: "Policy evaluation errors (each answered per fail mode).", registers });
    this.bundlePolls = new Counter({ name: "regent_bundle_polls_total", help: "Bundle source checks by result (ok: answered, changed or not; failed).", labelNames: ["result"], registers });
    this.bundleLastSuccess = new Gauge({ name: "regent_bundle_last_success_timestamp_seconds", help: "When the bundle source last answered a check (unix seconds).", registers, aggregator: "max" });
    this.budgetStoreMode = new Gauge({ name: "regent_budget_store_mode", help: "1 for the budget store's current mode (redis, fail_closed, local, memory).", labelNames: ["mode"], registers, aggregator: "max" });
    this.budgetSettlements = new Counter({ name: "regent_budget_settlements_total", help: "Reservations settled from responses (settled, refunded, unknown, error).", labelNames: ["result"], registers });
    this.refusals = new Counter({ name: "regent_request_refusals_total", help: "Requests denied before evaluation because they were over a limit or unreadable, by limit.", labelNames: ["limit"], registers });
    this.limitRejections = new Counter({
      name: "regent_limit_rejections_total",
      help: "Bundles, key sets and budget calls refused or cut short by a configured limit, by limit.",
      labelNames: ["limit"],
      registers,
    });
    this.bundleInfo = new Gauge({ name: "regent_bundle_info", help: "1 for the revision of the active bundle.", labelNames: ["revision"], registers, aggregator: "max" });
    // prom-client calls collect() with the gauge as `this`; the activation time is read from here.
    const activatedAt = (): number | undefined => this.activatedAt;
    this.bundleActivatedAt = new Gauge({ name: "regent_bundle_activated_timestamp_seconds", help: "When the active bundle was activated (unix seconds).", registers, aggregator: "max" });
    // Event-loop delay since the last scrape: a stalled loop stalls every Check, so it is watched.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    new Gauge({
      name: "regent_event_loop_delay_p99_seconds",
      help: "99th percentile event-loop delay since the previous scrape.",
      registers,
      aggregator: "max",
      collect() {
        this.set(loop.percentile(99) / 1e9);
        loop.reset();
      },
    });
    new Gauge({
      name: "regent_bundle_age_seconds",
      help: "Seconds since the active bundle was activated.",
      registers,
      aggregator: "min",
      collect() {
        const at = activatedAt();
        if (at) this.set((Date.now() - at) / 1000);
      },
    });
  }

  bundlePolled(ok: boolean, at = Date.now()): void {
    this.bundlePolls.inc({ result: ok ? "ok" : "failed" });
    if (ok) this.bundleLastSuccess.set(at / 1000);
  }

  budgetMode(mode: string): void {
    this.budgetStoreMode.reset();
    this.budgetStoreMode.set({ mode }, 1);
  }

  bundleActivated(revision: string, at: number): void {
    this.bundleInfo.reset();
    this.bundleInfo.set({ revision }, 1);
    this.bundleActivatedAt.set(at / 1000);
    this.activatedAt = at;
    this.bundleActivations.inc({ result: "activated" });
  }
}
