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

/**
 * Reserves each entry in order and stops at the first the store refuses. Entries reserved before
 * it stay spent: the store has no release, and counting a refused attempt errs on the safe side.
 */
export async function reserveCalls(store: BudgetStore, list: CallReservation[]): Promise<CallsResult> {
  for (const r of list) {
    const res = await store.reserve(CALLS_KEY_PREFIX + r.key, r.calls, r.limit, r.windowSeconds);
    if (!res.ok) return { ok: false, key: r.key, retryAfterSeconds: res.retryAfterSeconds };
  }
  return { ok: true };
}
