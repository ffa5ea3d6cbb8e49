/**
 * Per-tool call budgets: a decision's `reserve_calls` (key, calls, limit, window_seconds) read
 * strictly, and reserved in the budget store under a `calls:` prefix so they never share a counter
 * with token budgets. A reservation the store cannot cover turns the allow into a 429.
 */
import type { BudgetStore } from "../budget/index.js";

export interface CallReservation {
  key: string;
  calls: number;
  limit: number;
  windowSeconds: number;
}

export const CALLS_KEY_PREFIX = "calls:";

const MAX_RESERVATIONS = 64;

/** `reserve_calls` from a decision; throws on a malformed entry so the server denies (never a partial read). */
export function callReservations(v: unknown): CallReservation[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Error("decision.reserve_calls must be a list");
  if (v.length > MAX_RESERVATIONS) throw new Error(`decision.reserve_calls has more than ${MAX_RESERVATIONS} entries`);
  return v.map((e, i) => {
    const at = `decision.reserve_calls[${i}]`;
    if (typeof e !== "object" || e === null || Array.isArray(e)) throw new Error(`${at} must be an object`);
    const r = e as Record<string, unknown>;
    if (typeof r.key !== "string" || r.key === "") throw new Error(`${at}.key must be a non-empty string`);
    return {
      key: r.key,
      calls: count(r.calls, `${at}.calls`, 1),
      limit: count(r.limit, `${at}.limit`, 0),
      windowSeconds: count(r.window_seconds, `${at}.window_seconds`, 1),
    };
  });
}

function count(v: unknown, at: string, min: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw new Error(`${at} must be an integer of at least ${min}`);
  return v;
}

export type CallsResult = { ok: true } | { ok: false; key: string; retryAfterSeconds: number };

/** Where call reservations live: the caller's tenant (one hash tag), the decision id, how long until they count for good. */
export interface CallsContext {
  tenant: string;
  id: string;
  ttlSeconds: number;
}

/** The counter of one call budget: its own key and window, apart from every token counter. */
export const callCounter = (r: CallReservation) => ({ key: `${CALLS_KEY_PREFIX}${r.key}:${r.windowSeconds}`, limit: r.limit, windowSeconds: r.windowSeconds });

/**
 * Reserves each entry in order; at the first the store refuses, the ones already reserved are
 * released, so a refused request spends no calls. A reservation never settled is charged when
 * it expires: a call that went through is spent.
 */
export async function reserveCalls(store: BudgetStore, list: CallReservation[], ctx: CallsContext): Promise<CallsResult> {
  const held: string[] = [];
  for (const [i, r] of list.entries()) {
    const id = `${ctx.id}:call:${i}`;
    const res = await store.reserve({ tenant: ctx.tenant, id, tokens: r.calls, counters: [callCounter(r)], ttlSeconds: ctx.ttlSeconds, onExpiry: "charge" });
    if (!res.ok) {
      for (const h of held) await store.settle(ctx.tenant, h, 0);
      return { ok: false, key: r.key, retryAfterSeconds: res.retryAfterSeconds };
    }
    held.push(id);
  }
  return { ok: true };
}
