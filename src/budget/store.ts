/**
 * The token-budget store contract. Every call carries the limit and the window, so a store
 * holds only counters: an in-process Map today, a Redis hash with a Lua reserve script for
 * many replicas next. All calls are async for that reason.
 */

export interface BudgetState {
  key: string;
  limit: number;
  used: number;
  remaining: number;
  window_seconds: number;
  /** Epoch milliseconds at which the current window ends and the counter resets. */
  reset_at: number;
}

export type ReserveResult =
  | { ok: true; state: BudgetState }
  | { ok: false; state: BudgetState; retryAfterSeconds: number };

export interface BudgetStore {
  get(key: string, limit: number, windowSeconds: number): Promise<BudgetState>;
  /** Atomically adds `tokens` to the window's usage if the limit covers it; never partially. */
  reserve(key: string, tokens: number, limit: number, windowSeconds: number): Promise<ReserveResult>;
  close(): Promise<void>;
}

/** Fixed windows aligned on the epoch, so a daily budget resets at 00:00 UTC on every replica. */
export function windowBounds(now: number, windowSeconds: number): { start: number; end: number } {
  const size = windowSeconds * 1000;
  const start = Math.floor(now / size) * size;
  return { start, end: start + size };
}

export function retryAfterSeconds(state: BudgetState, now: number): number {
  return Math.max(1, Math.ceil((state.reset_at - now) / 1000));
}
