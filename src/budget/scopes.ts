/**
 * Which budget counters a request touches: one per scope that applies (tenant ⊃ tenant/user ⊃
 * tenant/user/agent, plus plan and model when configured) and per window that has a limit (rate,
 * budget). Limits come from bundle data first, then the config. Pure: no store, no clock.
 */
import type { Counter } from "./store.js";
import { resolveBudget, type BudgetRules } from "./resolve.js";

export const SCOPE_NAMES = ["tenant", "user", "agent", "plan", "model"] as const;
export type ScopeName = (typeof SCOPE_NAMES)[number];

export interface LimitPair {
  budget?: number;
  rate?: number;
}

export interface ScopeLimits extends LimitPair {
  /** Per-id overrides; user ids are `tenant/sub`, agent ids `tenant/sub/agent`. */
  ids?: Record<string, LimitPair>;
}

export interface ScopeRules extends BudgetRules {
  /** Nested scopes; when empty the single legacy `scope` applies. */
  scopes: ScopeName[];
  rate_window_seconds: number;
  scope_limits: Partial<Record<ScopeName, ScopeLimits>>;
  /** Dotted path of the bundle data that holds limits shaped like `scope_limits`. */
  data_path: string;
}

export interface Who {
  tenant?: string;
  subject?: string;
  plan?: string;
  /** The `act` chain, outermost first; actors[0] is the agent. */
  actors?: Record<string, unknown>[];
}

export interface ScopeTarget {
  scope: ScopeName;
  id: string;
  /** `<scope>:<id>`, the name the policy and the log see. */
  key: string;
  budget?: Counter;
  rate?: Counter;
}

export interface BudgetPlan {
  /** The hash tag every counter of this request lives under. */
  tenant: string;
  scopes: ScopeTarget[];
  counters: Counter[];
  /** True for `budget.scopes` (reserve before evaluation), false for the legacy single scope. */
  nested: boolean;
}

/** Requests without a tenant claim still need one tag for their counters. */
export const NO_TENANT = "-";

export function agentOf(actors: Who["actors"]): string | undefined {
  const a = actors?.[0];
  if (!a) return undefined;
  if (typeof a.sub === "string" && a.sub) return a.sub;
  if (typeof a.client_id === "string" && a.client_id) return a.client_id;
  return undefined;
}

export function resolveScopes(rules: ScopeRules, who: Who, model: string | undefined, data: unknown): BudgetPlan | undefined {
  const tenant = who.tenant ?? NO_TENANT;
  if (rules.scopes.length === 0) return legacy(rules, who, tenant);
  const fromData = dataLimits(data, rules.data_path);
  const scopes: ScopeTarget[] = [];
  const agent = agentOf(who.actors);
  for (const scope of rules.scopes) {
    const id = idOf(scope, who, tenant, agent, model);
    if (id === undefined) continue;
    const t: ScopeTarget = { scope, id, key: `${scope}:${id}` };
    const budget = limitOf(fromData?.[scope], rules.scope_limits[scope], id, "budget");
    const rate = limitOf(fromData?.[scope], rules.scope_limits[scope], id, "rate");
    if (budget > 0) t.budget = { key: `${t.key}:${rules.window_seconds}`, limit: budget, windowSeconds: rules.window_seconds };
    if (rate > 0) t.rate = { key: `${t.key}:${rules.rate_window_seconds}`, limit: rate, windowSeconds: rules.rate_window_seconds };
    if (t.budget || t.rate) scopes.push(t);
  }
  if (scopes.length === 0) return undefined;
  const counters = scopes.flatMap((s) => [s.budget, s.rate].filter((c): c is Counter => c !== undefined));
  return { tenant, scopes, counters, nested: true };
}

function idOf(scope: ScopeName, who: Who, tenant: string, agent: string | undefined, model: string | undefined): string | undefined {
  switch (scope) {
    case "tenant":
      return who.tenant;
    case "user":
      // Qualified by the tenant: two tenants' users with the same `sub` never share a budget.
      return who.subject === undefined ? undefined : `${tenant}/${who.subject}`;
    case "agent":
      return who.subject === undefined || agent === undefined ? undefined : `${tenant}/${who.subject}/${agent}`;
    case "plan":
      return who.plan;
    case "model":
      return model;
  }
}

/** The per-id limit in data, then in the config, then the scope's default in data, then in the config. */
function limitOf(data: ScopeLimits | undefined, cfg: ScopeLimits | undefined, id: string, field: keyof LimitPair): number {
  for (const v of [own(data?.ids, id)?.[field], own(cfg?.ids, id)?.[field], data?.[field], cfg?.[field]]) {
    if (isCount(v)) return v;
  }
  return 0;
}

/** Bundle data is the security team's; a malformed entry is skipped rather than trusted. */
function dataLimits(data: unknown, path: string): Partial<Record<ScopeName, ScopeLimits>> | undefined {
  let v = data;
  for (const p of path.split(".").filter(Boolean)) {
    if (!isObject(v) || !Object.prototype.hasOwnProperty.call(v, p)) return undefined;
    v = v[p];
  }
  if (!isObject(v)) return undefined;
  const out: Partial<Record<ScopeName, ScopeLimits>> = {};
  for (const scope of SCOPE_NAMES) {
    const s = own(v, scope);
    if (!isObject(s)) continue;
    const limits: ScopeLimits = pair(s);
    const ids = own(s, "ids");
    if (isObject(ids)) {
      limits.ids = {};
      for (const [id, p] of Object.entries(ids)) if (isObject(p)) limits.ids[id] = pair(p);
    }
    out[scope] = limits;
  }
  return out;
}

function pair(o: Record<string, unknown>): LimitPair {
  const p: LimitPair = {};
  if (isCount(o.budget)) p.budget = o.budget;
  if (isCount(o.rate)) p.rate = o.rate;
  return p;
}

function legacy(rules: ScopeRules, who: Who, tenant: string): BudgetPlan | undefined {
  const t = resolveBudget(rules, who);
  if (!t) return undefined;
  const counter: Counter = { key: `${t.key}:${t.windowSeconds}`, limit: t.limit, windowSeconds: t.windowSeconds };
  return { tenant, scopes: [{ scope: t.scope, id: t.key.slice(t.scope.length + 1), key: t.key, budget: counter }], counters: [counter], nested: false };
}

function own<T>(map: Record<string, T> | undefined, k: string): T | undefined {
  return map && Object.prototype.hasOwnProperty.call(map, k) ? map[k] : undefined;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
