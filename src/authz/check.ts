/**
 * One Check, start to end: CheckRequest → input (request, verified identity, AI attributes,
 * budget) → evaluate the active policy → decision → budget reservation → CheckResponse, with a
 * decision log line and metrics. Every failure on the way becomes a deny (or allow, per fail mode).
 */
import { randomUUID } from "node:crypto";
import type { ServeConfig } from "../config/schema.js";
import { buildIdentity, extractToken, unauthenticated, type Identity, type TokenVerifier } from "../identity/index.js";
import { resolveBudget, type BudgetState, type BudgetStore, type BudgetTarget } from "../budget/index.js";
import { buildInput } from "./input.js";
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

  const onFailure = (error: string): Outcome => {
    if (!failOpen) return failure(error, failStatus);
    return { ...ALLOW_ON_FAILURE, error };
  };

  return async function check(req: unknown, ctx?: CallContext): Promise<CheckResponse> {
    const t0 = performance.now();
    const decisionId = randomUUID();
    const { input, view } = buildInput(req, maxBody);
    input.decision_id = decisionId;
    const workload = view.principal ?? ctx?.peerSpiffeId;

    const identity = await identify(view.headers[idCfg.header], workload);
    input.identity = identity;
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
          outcome = mapDecision(policy.evaluate(input), failStatus);
          if (outcome.error && failOpen) outcome = onFailure(outcome.error);
        } catch (err) {
          metrics.evalErrors.inc();
          outcome = onFailure(`evaluation error: ${(err as Error).message}`);
        }
        evalMicros = Math.round((performance.now() - e0) * 1000);
      }
    }

    // Calls before tokens: a refused call budget then costs no tokens.
    if (outcome.allowed && outcome.reserveCalls) outcome = await spendCalls(outcome);
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
    if (!verifier) {
      metrics.jwtFailures.inc({ reason: "jwks_unavailable" });
      return unauthenticated("jwks_unavailable", workload);
    }
    const result = verifier.cached(token) ?? (await verifier.verify(token));
    if (!result.ok) metrics.jwtFailures.inc({ reason: result.reason });
    return buildIdentity(result, claimNames, workload);
  }

  async function spendCalls(allowed: Outcome): Promise<Outcome> {
    let r;
    try {
      r = await reserveCalls(budget, allowed.reserveCalls!);
    } catch (err) {
      return onFailure(`budget store: ${(err as Error).message}`);
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
