/**
 * `input.budget` from a plan and the store's answer: per scope the limit, what is spent, what
 * is reserved and what remains (budget window, and `rate` for the rate window), whether this
 * request's reservation was refused and the store-computed Retry-After. Pure.
 */
import type { BudgetPlan } from "./scopes.js";
import type { CounterState } from "./store.js";

export interface BudgetView {
  states: CounterState[];
  now: number;
  /** Set when a reservation was attempted. */
  reservation?: { id: string; tokens: number; ok: boolean; refused: string[]; retryAfterSeconds: number };
  local?: boolean;
}

export function budgetInput(plan: BudgetPlan, view: BudgetView): Record<string, unknown> {
  const byKey = new Map(view.states.map((s) => [s.key, s]));
  const scopes: Record<string, unknown> = {};
  let summary: { scope: string; key: string; s: CounterState } | undefined;
  const refusedScopes: string[] = [];
  for (const t of plan.scopes) {
    const b = t.budget && byKey.get(t.budget.key);
    const r = t.rate && byKey.get(t.rate.key);
    const main = b ?? r;
    if (!main) continue;
    const entry: Record<string, unknown> = { key: t.key, ...windowFields(main, view.now) };
    if (b && r) entry.rate = windowFields(r, view.now);
    scopes[t.scope] = entry;
    const refused = view.reservation?.refused ?? [];
    if ((t.budget && refused.includes(t.budget.key)) || (t.rate && refused.includes(t.rate.key))) refusedScopes.push(t.scope);
    // The legacy top-level fields describe the scope with the least room left.
    if (!summary || main.remaining < summary.s.remaining) summary = { scope: t.scope, key: t.key, s: main };
  }
  if (!summary) return { scopes };
  const s = summary.s;
  const out: Record<string, unknown> = {
    scope: summary.scope,
    key: summary.key,
    limit: s.limit,
    used: s.spent + s.reserved,
    spent: s.spent,
    reserved: s.reserved,
    remaining: s.remaining,
    window_seconds: s.window_seconds,
    reset_at: iso(s.reset_at),
    retry_after_seconds: untilReset(s.reset_at, view.now),
    scopes,
  };
  if (view.reservation) {
    const r = view.reservation;
    out.reservation = { id: r.id, tokens: r.tokens, ok: r.ok };
    out.exhausted = !r.ok;
    if (!r.ok) {
      out.refused_by = refusedScopes;
      out.retry_after_seconds = r.retryAfterSeconds;
    }
  }
  if (view.local) out.local = true;
  return out;
}

function windowFields(s: CounterState, now: number): Record<string, unknown> {
  return {
    limit: s.limit,
    spent: s.spent,
    reserved: s.reserved,
    remaining: s.remaining,
    window_seconds: s.window_seconds,
    reset_at: iso(s.reset_at),
    retry_after_seconds: untilReset(s.reset_at, now),
  };
}

function untilReset(resetAt: number, now: number): number {
  return Math.max(0, Math.ceil((resetAt - now) / 1000));
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
