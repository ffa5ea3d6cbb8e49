/**
 * One Check, start to end: CheckRequest → input (request, verified identity, AI attributes,
 * budget) → evaluate the active policy → decision → budget reservation → CheckResponse, with a
 * decision log line and metrics. Every failure on the way becomes a deny (or allow, per fail mode).
 */
import { randomUUID } from "node:crypto";
import type { ServeConfig } from "../config/schema.js";
import { buildIdentity, extractToken, unauthenticated, type Identity, type TokenVerifier } from "../identity/index.js";
import { budgetInput, formatReservation, resolveScopes, type BudgetPlan, type BudgetStore, type BudgetView, type ReserveResult } from "../budget/index.js";
import { BUDGET_UNAVAILABLE } from "../budget/errors.js";
import { RegentError } from "../errors.js";
import { attachBody, buildInput, dropBody, type InputBounds } from "./input.js";
import { refusal, refusedOutcome, type Refusal } from "./refusal.js";
import { undecodableReason } from "./server.js";
import type { AiExtractor } from "./ai.js";
import { reserveCalls } from "./call-budget.js";
import { deny, failure, mapDecision, type CheckResponse, type Outcome } from "./decision.js";
import type { PolicySlot } from "./policy.js";
import type { Metrics } from "./metrics.js";
import type { DecisionLog } from "./log.js";

export interface CheckDeps {
  config: ServeConfig;
  slot: PolicySlot;
  verifier?: TokenVerifier;
  budget: BudgetStore;
  ai: AiExtractor;
  metrics: Metrics;
  log: DecisionLog;
}

/** Extra facts from the transport, e.g. the SPIFFE ID of an mTLS peer. */
export interface CallContext {
  peerSpiffeId?: string;
}

const ALLOW_ON_FAILURE: Outcome = { allowed: true, httpStatus: 200, response: { status: { code: 0 }, okResponse: {} } };

export function createCheckHandler(deps: CheckDeps): (req: unknown, ctx?: CallContext) => Promise<CheckResponse> {
  const { config, slot, verifier, budget, ai, metrics, log } = deps;
  const failStatus = config.policy.error_status;
  const failOpen = config.policy.fail_mode === "allow";
  const idCfg = config.identity;
  const claimNames = { tenant: idCfg.tenant_claim, roles: idCfg.roles_claim, plan: idCfg.plan_claim, purpose: idCfg.purpose_claim };
  const maxBody = config.policy.max_body_bytes;
  const budgetRules = config.budget;
  // Reservations can be settled (so their ids must be set, and forged ones stripped) with nested
  // scopes, or when this sidecar settles (ext_proc, HTTP); a legacy budget without either never settles.
  const settleable = budgetRules.scopes.length > 0 || (budgetRules.scope !== "none" && (config.server.ext_proc_addr !== undefined || budgetRules.http_settle));
  const reservationHeader = budgetRules.reservation_header;

  const limits = config.limits;
  const bounds: InputBounds = {
    maxHeaders: limits.max_headers,
    maxHeaderBytes: limits.max_header_bytes,
    maxPathBytes: limits.max_path_bytes,
    maxJsonDepth: limits.max_json_depth,
    deferBody: true,
  };

  /** Only regent's own failures (no bundle, store down) may be answered by fail_mode: allow. */
  const onFailure = (error: string): Outcome => {
    if (!failOpen) return failure(error, failStatus);
    return { ...ALLOW_ON_FAILURE, error };
  };

  const refuse = (r: Refusal, t0: number, decisionId: string, method = "", path = "", workload?: string): CheckResponse => {
    const outcome = refusedOutcome(r);
    metrics.refusals.inc({ limit: r.limit });
    metrics.decisions.inc({ result: "deny" });
    const totalMs = performance.now() - t0;
    metrics.latency.observe({ result: "deny" }, totalMs / 1000);
    log.write({
      decisionId,
      headers: {},
      method,
      path,
      // Refused before the token was looked at: no authentication reason to report.
      identity: { authenticated: false, roles: [], scopes: [], actors: [], delegated: false, ...(workload ? { workload } : {}) },
      ai: {},
      outcome,
      revision: slot.current?.revision,
      evalMicros: 0,
      totalMicros: Math.round(totalMs * 1000),
    });
    return outcome.response;
  };

  return async function check(req: unknown, ctx?: CallContext): Promise<CheckResponse> {
    const t0 = performance.now();
    const decisionId = randomUUID();
    const undecodable = undecodableReason(req);
    if (undecodable !== undefined) return refuse(refusal("undecodable_request", `the CheckRequest cannot be decoded: ${undecodable}`), t0, decisionId);
    const built = buildInput(req, maxBody, bounds);
    const { input, view } = built;
    const workload = view.principal ?? ctx?.peerSpiffeId;
    if (built.refusal) return refuse(built.refusal, t0, decisionId, view.method, view.path, workload);
    input.decision_id = decisionId;

    const identity = await identify(view.headers[idCfg.header], workload);
    input.identity = identity;
    if (view.body !== undefined) {
      const size = typeof view.body === "string" ? Buffer.byteLength(view.body) : view.body.length;
      // An unauthenticated caller is decided from a bounded input: its large body is not parsed.
      if (!identity.authenticated && size > limits.unauthenticated_body_bytes) dropBody(input);
      else {
        const r = attachBody(input, view.headers, view.body, maxBody, limits.max_json_depth);
        if (r) return refuse(r, t0, decisionId, view.method, view.path, workload);
      }
    }
    const policy = slot.current;
    const attrs = ai(view.path, view.headers, input.parsed_body, policy?.data, {
      method: view.method,
      hasBody: view.hasBody,
      raw: view.body,
      truncated: input.truncated_body,
    });
    input.ai = attrs;
    // A body nested too deep to evaluate would turn a clear MCP refusal into an evaluation error
    // (and an allow under fail_mode allow): the policy gets the reason, not the body.
    if (attrs.mcp?.error === "too_deep") delete input.parsed_body;

    let plan: BudgetPlan | undefined;
    let outcome: Outcome | undefined;
    /** Tokens this request holds in the store (0: none), and the store's answer when it said no. */
    let held = 0;
    let storeRefusal: ReserveResult | undefined;
    let asked = 0;
    if (identity.authenticated) plan = resolveScopes(budgetRules, identity, attrs.model, policy?.data);
    if (plan) {
      // Nested scopes reserve before evaluation, so one round trip both reserves and shows the policy the result.
      const tokens = plan.nested ? attrs.reserve_tokens ?? 0 : 0;
      asked = tokens;
      try {
        let seen: BudgetView;
        if (tokens > 0) {
          const r = await budget.reserve({ tenant: plan.tenant, id: decisionId, tokens, counters: plan.counters, ttlSeconds: budgetRules.reservation_ttl_seconds, onExpiry: budgetRules.on_expiry });
          seen = { states: r.counters, now: r.now, local: r.local, reservation: { id: decisionId, tokens, ok: r.ok, refused: r.refused, retryAfterSeconds: r.retryAfterSeconds } };
          if (r.ok) held = tokens;
          else storeRefusal = r;
        } else {
          const s = await budget.inspect(plan.tenant, plan.counters);
          seen = { states: s.counters, now: s.now, local: s.local };
        }
        input.budget = budgetInput(plan, seen);
      } catch (err) {
        outcome = storeFailure(err);
      }
    }

    let evalMicros = 0;
    if (!outcome) {
      if (!policy) {
        outcome = onFailure("no_active_bundle");
      } else {
        const e0 = performance.now();
        try {
          // An undefined or unreadable decision is the policy's answer, never turned into an allow.
          outcome = mapDecision(policy.evaluate(input), failStatus);
        } catch (err) {
          metrics.evalErrors.inc();
          // The input is this request's: an evaluation that fails on it denies in every fail mode.
          outcome = failure(`evaluation error: ${(err as Error).message}`, failStatus);
        }
        evalMicros = Math.round((performance.now() - e0) * 1000);
      }
    }

    // Calls before tokens: a refused call budget then costs no tokens.
    if (outcome.allowed && !outcome.error && outcome.reserveCalls) outcome = await spendCalls(outcome, identity.tenant ?? "_", decisionId);
    if (plan && !outcome.allowed && held) {
      // Denied for any reason (the policy, an error): the tokens go back at once.
      await release(plan, decisionId);
      held = 0;
    } else if (plan && outcome.allowed && !outcome.error) {
      const want = outcome.reserveTokens;
      if (storeRefusal && (want === undefined || want === asked)) {
        outcome = exhausted(outcome, plan, storeRefusal);
      } else if (want !== undefined && want !== held) {
        // The policy names its own amount: it replaces what was reserved before evaluation.
        if (held) await release(plan, decisionId);
        held = 0;
        const r = await reserve(outcome, plan, want, decisionId);
        outcome = r.outcome;
        if (r.ok) held = want;
      }
    }
    if (outcome.allowed && settleable) markReservation(outcome, reservationHeader, held > 0 && plan ? formatReservation(plan.tenant, decisionId) : undefined);

    const result = outcome.error ? "error" : outcome.allowed ? "allow" : "deny";
    metrics.decisions.inc({ result });
    const totalMs = performance.now() - t0;
    metrics.latency.observe({ result }, totalMs / 1000);
    log.write({
      decisionId,
      headers: view.headers,
      method: view.method,
      path: view.path,
      identity,
      ai: attrs,
      outcome,
      revision: policy?.revision,
      evalMicros,
      totalMicros: Math.round(totalMs * 1000),
      budgetKey: plan?.scopes.map((s) => s.key).join(","),
    });
    return outcome.response;
  };

  async function identify(header: string | undefined, workload: string | undefined): Promise<Identity> {
    const { token, reason } = extractToken(header, idCfg.scheme);
    if (!token) {
      if (reason !== "missing_token") metrics.jwtFailures.inc({ reason: reason! });
      return unauthenticated(reason!, workload);
    }
    if (token.length > limits.max_token_bytes) {
      metrics.jwtFailures.inc({ reason: "token_too_large" });
      return unauthenticated("token_too_large", workload);
    }
    if (!verifier) {
      metrics.jwtFailures.inc({ reason: "jwks_unavailable" });
      return unauthenticated("jwks_unavailable", workload);
    }
    const result = verifier.cached(token) ?? (await verifier.verify(token));
    if (!result.ok) metrics.jwtFailures.inc({ reason: result.reason });
    return buildIdentity(result, claimNames, workload, limits.max_act_depth);
  }

  async function spendCalls(allowed: Outcome, tenant: string, id: string): Promise<Outcome> {
    let r;
    try {
      r = await reserveCalls(budget, allowed.reserveCalls!, { tenant, id, ttlSeconds: budgetRules.reservation_ttl_seconds });
    } catch (err) {
      return storeFailure(err);
    }
    if (r.ok) return allowed;
    metrics.budgetRejections.inc({ scope: "tool" });
    const body = JSON.stringify({ error: "tool_budget_exhausted", budget: r.key, retry_after_seconds: r.retryAfterSeconds });
    const out = deny(
      429,
      [
        { header: { key: "retry-after", value: String(r.retryAfterSeconds) }, appendAction: "OVERWRITE_IF_EXISTS_OR_ADD" },
        { header: { key: "content-type", value: "application/json" }, appendAction: "OVERWRITE_IF_EXISTS_OR_ADD" },
      ],
      body,
      allowed.response.dynamicMetadata,
    );
    out.reason = "tool_budget_exhausted";
    return out;
  }

  /** Redis away with fail_closed is a 503 that says so; any other store failure follows the policy fail mode. */
  function storeFailure(err: unknown): Outcome {
    const msg = (err as Error)?.message ?? String(err);
    if (err instanceof RegentError && err.code === BUDGET_UNAVAILABLE) {
      const out = deny(
        503,
        [{ header: { key: "content-type", value: "application/json" }, appendAction: "OVERWRITE_IF_EXISTS_OR_ADD" }],
        JSON.stringify({ error: "budget_store_unavailable", reason: msg }),
        undefined,
      );
      out.error = `budget store: ${msg}`;
      out.reason = "budget_store_unavailable";
      return out;
    }
    return onFailure(`budget store: ${msg}`);
  }

  async function release(plan: BudgetPlan, id: string): Promise<void> {
    try {
      await budget.settle(plan.tenant, id, 0);
    } catch (err) {
      // The reservation then expires per budget.on_expiry; say so, the Check itself is decided.
      log.warn({ msg: "budget release failed; the reservation will expire", decision_id: id, error: (err as Error).message });
    }
  }

  async function reserve(allowed: Outcome, plan: BudgetPlan, tokens: number, id: string): Promise<{ outcome: Outcome; ok: boolean }> {
    let r: ReserveResult;
    try {
      r = await budget.reserve({ tenant: plan.tenant, id, tokens, counters: plan.counters, ttlSeconds: budgetRules.reservation_ttl_seconds, onExpiry: budgetRules.on_expiry });
    } catch (err) {
      return { outcome: storeFailure(err), ok: false };
    }
    if (r.ok) return { outcome: allowed, ok: true };
    return { outcome: exhausted(allowed, plan, r), ok: false };
  }

  function exhausted(allowed: Outcome, plan: BudgetPlan, r: ReserveResult): Outcome {
    const first = plan.scopes.find((s) => (s.budget && r.refused.includes(s.budget.key)) || (s.rate && r.refused.includes(s.rate.key))) ?? plan.scopes[0]!;
    metrics.budgetRejections.inc({ scope: first.scope });
    const status = allowed.budgetExhaustedStatus ?? budgetRules.exhausted_status;
    const retry = String(r.retryAfterSeconds);
    const body = JSON.stringify({ error: "budget_exhausted", budget: first.key, retry_after_seconds: r.retryAfterSeconds });
    const out = deny(
      status,
      [
        { header: { key: "retry-after", value: retry }, appendAction: "OVERWRITE_IF_EXISTS_OR_ADD" },
        { header: { key: "content-type", value: "application/json" }, appendAction: "OVERWRITE_IF_EXISTS_OR_ADD" },
      ],
      body,
      allowed.response.dynamicMetadata,
    );
    out.reason = "budget_exhausted";
    return out;
  }
}

/**
 * Puts the reservation id on the allowed request (Envoy forwards it to ext_proc), or strips a
 * client-sent one, so nobody settles a reservation that is not theirs.
 */
function markReservation(outcome: Outcome, header: string, value: string | undefined): void {
  const ok = (outcome.response.okResponse ?? {}) as { headers?: unknown[]; headersToRemove?: string[] };
  const next: Record<string, unknown> = { ...ok };
  if (value !== undefined) next.headers = [...(ok.headers ?? []), { header: { key: header, value }, appendAction: "OVERWRITE_IF_EXISTS_OR_ADD" }];
  else next.headersToRemove = [...(ok.headersToRemove ?? []), header];
  outcome.response = { ...outcome.response, okResponse: next };
}
