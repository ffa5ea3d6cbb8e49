/**
 * Multi-core serving with node:cluster. The primary owns what must be single: the bundle
 * activator (verify once, persist once), the budget store (one counter per key across all
 * workers, reached over IPC), the admin port and the metrics sum. Workers each run a data plane
 * on the shared gRPC port and load every bundle the primary hands them.
 */
import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from "prom-client";

type metric = MetricObjectWithValues<MetricValue<string>>;
import type { Logger } from "pino";
import type { ServeConfig } from "../config/schema.js";
import type { BudgetStore, Counter, CounterState, ReserveRequest, ReserveResult, SettleResult } from "../budget/index.js";
import { createBudgetStore } from "../budget/create.js";
import { budgetModeReporter } from "./budget-mode.js";
import { BUDGET_STORE } from "../budget/errors.js";
import { readBundle } from "../bundle/fs.js";
import { writeBundle } from "../bundle/write.js";
import { RegentError } from "../errors.js";
import { AdminServer } from "./admin.js";
import { AUTHZ_BUNDLE, AUTHZ_LISTEN } from "./errors.js";
import { createDataPlane } from "./dataplane.js";
import { createSettler } from "./settle.js";
import { instantiateBundle } from "./policy.js";
import { Metrics } from "./metrics.js";
import { createActivator, type Running } from "./run.js";

type Msg = { t: string; id?: number; [k: string]: unknown };

const CONFIG_ENV = "REGENT_WORKER_CONFIG_JSON";
const ACK_TIMEOUT_MS = 30_000;
const MAX_DEATHS_PER_MINUTE = 10;

/** Budget calls from a worker, answered by the primary's one in-process store. */
/** The worker's end of the IPC channel to the primary (the process itself; a stand-in in tests). */
export interface IpcChannel {
  send(message: unknown, sendHandle: undefined, options: undefined, callback: (err: Error | null) => void): boolean;
  on(event: "message", listener: (m: Msg) => void): unknown;
}

export class IpcBudgetStore implements BudgetStore {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();

  /** A primary that never answers must not hold a Check forever: each call has a deadline (limits.budget_call_timeout_ms). */
  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout?: () => void,
    private readonly channel: IpcChannel = process as unknown as IpcChannel,
  ) {
    channel.on("message", (m: Msg) => {
      if (m?.t !== "budget-r") return;
      const p = this.pending.get(m.id!);
      if (!p) return;
      this.pending.delete(m.id!);
      if (m.error) p.reject(new RegentError(typeof m.code === "string" ? m.code : BUDGET_STORE, String(m.error)));
      else p.resolve(m.result as never);
    });
  }

  private call<T>(op: string, args: unknown[]): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        this.onTimeout?.();
        reject(new RegentError(BUDGET_STORE, `the primary did not answer the budget ${op} within ${this.timeoutMs} ms (limits.budget_call_timeout_ms)`));
      }, this.timeoutMs);
      timer.unref();
      const settle = <A>(f: (a: A) => void) => (a: A): void => {
        clearTimeout(timer);
        f(a);
      };
      this.pending.set(id, { resolve: settle(resolve as (v: never) => void), reject: settle(reject) });
      this.channel.send({ t: "budget", id, op, args }, undefined, undefined, (err) => {
        if (err && this.pending.delete(id)) {
          clearTimeout(timer);
          reject(new RegentError(BUDGET_STORE, `primary unreachable: ${err.message}`));
        }
      });
    });
  }

  inspect(tenant: string, counters: Counter[]): Promise<{ counters: CounterState[]; now: number; local?: boolean }> {
    return this.call("inspect", [tenant, counters]);
  }

  reserve(req: ReserveRequest): Promise<ReserveResult> {
    return this.call("reserve", [req]);
  }

  settle(tenant: string, id: string, charged: number): Promise<SettleResult> {
    return this.call("settle", [tenant, id, charged]);
  }

  async close(): Promise<void> {
    for (const p of this.pending.values()) p.reject(new RegentError(BUDGET_STORE, "worker shutting down"));
    this.pending.clear();
  }
}

export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env[CONFIG_ENV] !== undefined;
}

export function workerConfig(): ServeConfig {
  return JSON.parse(process.env[CONFIG_ENV]!) as ServeConfig;
}

export async function runWorker(config: ServeConfig, logger: Logger): Promise<void> {
  const budget = new IpcBudgetStore(config.limits.budget_call_timeout_ms, () => plane.metrics.limitRejections.inc({ limit: "budget_call_timeout_ms" }));
  const plane = await createDataPlane(config, budget, logger);
  let queue = Promise.resolve();
  process.on("message", (m: Msg) => {
    if (m?.t === "bundle") {
      // One activation at a time, in the order the primary sent them.
      queue = queue.then(async () => {
        try {
          const revision = await plane.activate(await readBundle(m.bytes as Uint8Array));
          process.send!({ t: "activated", seq: m.seq, revision });
        } catch (err) {
          process.send!({ t: "activate-failed", seq: m.seq, error: (err as Error).message });
        }
      });
    } else if (m?.t === "metrics-req") {
      plane.metrics.registry.getMetricsAsJSON().then((json) => process.send!({ t: "metrics-r", id: m.id, json }));
    } else if (m?.t === "shutdown") {
      void stop();
    }
  });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await plane.shutdown();
    await budget.close();
    logger.flush?.();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  // Without the primary there are no bundle updates and no budgets: do not linger as an orphan.
  process.on("disconnect", () => void stop());
  await plane.start();
  process.send!({ t: "up" });
}

export async function runPrimary(config: ServeConfig, logger: Logger, workers: number, exec?: string): Promise<Running> {
  const metrics = new Metrics();
  const store = await createBudgetStore(config.budget, budgetModeReporter(config, logger, metrics));
  const acked = new Map<number, number>(); // worker id → last activation seq it loaded
  let last: { seq: number; bytes: Uint8Array; revision: string } | undefined;
  let seq = 0;
  let shuttingDown = false;
  const deaths: number[] = [];
  const waiters = new Map<number, { want: Set<number>; failed: string[]; done: () => void }>();
  const metricWaiters = new Map<number, (json: metric[]) => void>();
  let metricSeq = 0;

  cluster.setupPrimary({ serialization: "advanced", ...(exec ? { exec } : {}) });
  const env = { [CONFIG_ENV]: JSON.stringify(config) };

  const onMessage = (w: Worker, m: Msg): void => {
    if (m?.t === "budget") {
      const args = m.args as unknown[];
      const op =
        m.op === "reserve"
          ? store.reserve(args[0] as ReserveRequest)
          : m.op === "settle"
            ? store.settle(args[0] as string, args[1] as string, args[2] as number)
            : store.inspect(args[0] as string, args[1] as Counter[]);
      op.then(
        (result) => w.isConnected() && w.send({ t: "budget-r", id: m.id, result }),
        (err: unknown) => w.isConnected() && w.send({ t: "budget-r", id: m.id, error: (err as Error).message, code: (err as RegentError).code }),
      );
    } else if (m?.t === "up") {
      if (last) w.send({ t: "bundle", seq: last.seq, bytes: last.bytes });
    } else if (m?.t === "activated" || m?.t === "activate-failed") {
      if (m.t === "activated") acked.set(w.id, m.seq as number);
      const waiter = waiters.get(m.seq as number);
      if (waiter) {
        waiter.want.delete(w.id);
        if (m.t === "activate-failed") waiter.failed.push(`worker ${w.id}: ${m.error}`);
        if (waiter.want.size === 0) waiter.done();
      }
    } else if (m?.t === "metrics-r") {
      metricWaiters.get(m.id!)?.(m.json as metric[]);
    }
  };

  const fork = (): Worker => {
    const w = cluster.fork(env);
    w.on("message", (m: Msg) => onMessage(w, m));
    return w;
  };
  cluster.on("exit", (w, code, signal) => {
    acked.delete(w.id);
    for (const waiter of waiters.values()) if (waiter.want.delete(w.id) && waiter.want.size === 0) waiter.done();
    if (shuttingDown) return;
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0]! < now - 60_000) deaths.shift();
    if (deaths.length > MAX_DEATHS_PER_MINUTE) {
      // A worker that dies on arrival would otherwise be re-forked in a tight loop forever.
      logger.fatal({ msg: "workers keep dying; giving up", deaths_last_minute: deaths.length, code, signal });
      logger.flush?.();
      process.exit(1);
    }
    logger.error({ msg: "worker died; starting a new one", worker: w.id, code, signal });
    fork();
  });
  let startupExit: ((w: Worker, code: number) => void) | undefined;
  let startupUp: ((w: Worker, m: Msg) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    let up = 0;
    startupUp = (_w, m) => {
      if (m?.t === "up" && ++up === workers) resolve();
    };
    startupExit = (_w, code) => reject(new RegentError(AUTHZ_LISTEN, `a worker exited during startup (code ${code}); see its log above`));
    cluster.on("message", startupUp);
    cluster.on("exit", startupExit);
  });
  for (let i = 0; i < workers; i++) fork();
  try {
    await ready;
  } finally {
    cluster.off("message", startupUp!);
    cluster.off("exit", startupExit!);
  }

  const activator = createActivator(
    config,
    logger,
    async (bundle, bytes) => {
      // The primary instantiates first: a bundle that cannot load is refused before any worker sees it.
      const probe = await instantiateBundle(bundle, config.policy.decision_path);
      const payload = bytes ?? (await writeBundle(bundle));
      const s = ++seq;
      const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
      const failed: string[] = [];
      await new Promise<void>((resolve) => {
        const want = new Set(live.map((w) => w.id));
        const timer = setTimeout(() => {
          failed.push(`workers ${[...want].join(", ")} did not load the bundle within ${ACK_TIMEOUT_MS} ms`);
          resolve();
        }, ACK_TIMEOUT_MS);
        waiters.set(s, { want, failed, done: () => (clearTimeout(timer), resolve()) });
        for (const w of live) w.send({ t: "bundle", seq: s, bytes: payload });
        if (want.size === 0) resolve();
      });
      waiters.delete(s);
      last = { seq: s, bytes: payload, revision: probe.revision };
      if (failed.length) throw new RegentError(AUTHZ_BUNDLE, failed.join("; "));
      metrics.bundleActivated(probe.revision, probe.activatedAt);
    },
    () => metrics.bundleActivations.inc({ result: "rejected" }),
    (ok) => metrics.bundlePolled(ok),
    (limit) => metrics.limitRejections.inc({ limit }),
  );

  const admin = new AdminServer({
    settle: config.budget.http_settle ? createSettler(store, metrics, logger) : undefined,
    ready: () => {
      if (!last) return false;
      const live = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected());
      return live.length > 0 && live.every((w) => acked.has(w!.id));
    },
    status: () => ({ ...(activator?.status ?? { source: null }), workers: Object.keys(cluster.workers ?? {}).length }),
    metrics: async () => {
      const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
      const parts = await Promise.all(
        live.map(
          (w) =>
            new Promise<metric[]>((resolve) => {
              const id = ++metricSeq;
              const t = setTimeout(() => (metricWaiters.delete(id), resolve([])), 2000);
              metricWaiters.set(id, (json) => (clearTimeout(t), metricWaiters.delete(id), resolve(json)));
              w.send({ t: "metrics-req", id });
            }),
        ),
      );
      // Bundle metrics come from the primary, which activates once for all workers; the rest are sums.
      // The budget store's mode is the primary's; settlements happen in both (ext_proc in workers, HTTP here).
      const isBundle = (m: metric): boolean => m.name.startsWith("regent_bundle_") || m.name === "regent_budget_store_mode";
      const mine = (await metrics.registry.getMetricsAsJSON()).filter((m) => isBundle(m) || m.name === "regent_budget_settlements_total");
      const reg = AggregatorRegistry.aggregate([...parts.map((p) => p.filter((m) => !isBundle(m))), mine]);
      return { contentType: reg.contentType, body: await reg.metrics() };
    },
  });
  const adminAddr = await admin.listen(config.server.admin_addr);
  logger.info({ msg: "regent serve listening", grpc: config.server.addr, admin: adminAddr, ext_proc: config.server.ext_proc_addr, workers });
  if (activator) await activator.start();

  return {
    grpcAddr: config.server.addr,
    adminAddr,
    async close() {
      shuttingDown = true;
      activator?.stop();
      const exits = Object.values(cluster.workers ?? {}).map(
        (w) => new Promise<void>((resolve) => (w!.isDead() ? resolve() : w!.once("exit", () => resolve()))),
      );
      for (const w of Object.values(cluster.workers ?? {})) if (w?.isConnected()) w.send({ t: "shutdown" });
      await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, config.server.shutdown_grace_ms + 2000).unref())]);
      for (const w of Object.values(cluster.workers ?? {})) if (w && !w.isDead()) w.kill("SIGKILL");
      await admin.close();
      await store.close();
    },
  };
}
