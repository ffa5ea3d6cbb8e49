/**
 * Decides which budget applies to a request: the key (tenant, user or plan, per config) and
 * its limit (a per-key limit, else the plan's limit, else the default). No key or a zero
 * limit means no budget applies and `input.budget` is absent.
 */

export interface BudgetRules {
  scope: "tenant" | "user" | "plan" | "none";
  window_seconds: number;
  default_limit: number;
  limits: Record<string, number>;
  plan_limits: Record<string, number>;
}

export interface BudgetSubject {
  tenant?: string;
  subject?: string;
  plan?: string;
}

export interface BudgetTarget {
  scope: "tenant" | "user" | "plan";
  key: string;
  limit: number;
  windowSeconds: number;
}

export function resolveBudget(rules: BudgetRules, who: BudgetSubject): BudgetTarget | undefined {
  if (rules.scope === "none") return undefined;
  // A user is qualified by the tenant: two tenants' users with the same `sub` never share a budget.
  const user = who.subject === undefined ? undefined : who.tenant === undefined ? who.subject : `${who.tenant}/${who.subject}`;
  const id = rules.scope === "tenant" ? who.tenant : rules.scope === "user" ? user : who.plan;
  if (!id) return undefined;
  const limit = own(rules.limits, id) ?? (who.plan !== undefined ? own(rules.plan_limits, who.plan) : undefined) ?? rules.default_limit;
  if (!(limit > 0)) return undefined;
  return { scope: rules.scope, key: `${rules.scope}:${id}`, limit, windowSeconds: rules.window_seconds };
}

function own(map: Record<string, number>, k: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(map, k) ? map[k] : undefined;
}
