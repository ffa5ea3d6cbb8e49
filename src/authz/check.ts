/**
 * One Check, start to end: CheckRequest → input (request, verified identity, AI attributes,
 * budget) → evaluate the active policy → decision → budget reservation → CheckResponse, with a
 * decision log line and metrics. Every failure on the way becomes a deny (or allow, per fail mode).
 */
import { randomUUID } from "node:crypto";
import type { ServeConfig } from "../config/schema.js";
import { buildIdentity, extractToken, unauthenticated, type Identity, type TokenVerifier } from "../identity/index.js";
import { resolveBudget, type BudgetState, type BudgetStore, type BudgetTarget } from "../budget/index.js";
import { attachBody, buildInput, dropBody, type InputBounds } from "./input.js";
import { refusal, refusedOutcome, type Refusal } from "./refusal.js";
import { undecodableReason } from "./server.js";
import type { AiExtractor } from "./ai.js";
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
    const attrs = ai(view.path, view.headers, input.parsed_body, policy?.data);
    input.ai = attrs;

    let target: BudgetTarget | undefined;
    let outcome: Outcome | undefined;
    if (identity.authenticated) target = resolveBudget(budgetRules, identity);
    if (target) {
      try {
        input.budget = budgetInput(target, await budget.get(target.key, target.limit, target.windowSeconds));
      } catch (err) {
        outcome = onFailure(`budget store: ${(err as Error).message}`);
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

    if (outcome.allowed && outcome.reserveTokens && target) {
      outcome = await reserve(outcome, target);
    }

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
      budgetKey: target?.key,
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

  async function reserve(allowed: Outcome, target: BudgetTarget): Promise<Outcome> {
    let r;
    try {
      r = await budget.reserve(target.key, allowed.reserveTokens!, target.limit, target.windowSeconds);
    } catch (err) {
      return onFailure(`budget store: ${(err as Error).message}`);
    }
    if (r.ok) return allowed;
    metrics.budgetRejections.inc({ scope: target.scope });
    const status = allowed.budgetExhaustedStatus ?? budgetRules.exhausted_status;
    const retry = String(r.retryAfterSeconds);
    const body = JSON.stringify({ error: "budget_exhausted", budget: target.key, retry_after_seconds: r.retryAfterSeconds });
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

function budgetInput(t: BudgetTarget, s: BudgetState): Record<string, unknown> {
  return {
    scope: t.scope,
    key: t.key,
    limit: s.limit,
    used: s.used,
    remaining: s.remaining,
    window_seconds: s.window_seconds,
    reset_at: new Date(s.reset_at).toISOString().replace(".000Z", "Z"),
    retry_after_seconds: Math.max(0, Math.ceil((s.reset_at - Date.now()) / 1000)),
  };
}
