/**
 * The token-budget store contract. A store holds counters (one per scope and window) and
 * reservations (an id, its tokens and the counters it holds); every call carries the limits,
 * so the store never needs configuration of its own. Stores: in-process (memory.ts), Redis (redis.ts).
 */

/** One limit to check: a scope's key in one window (rate or budget). */
export interface Counter {
  /** `<scope>:<id>:<windowSeconds>`, unique within the tenant. */
  key: string;
  limit: number;
  windowSeconds: number;
}

export interface CounterState {
  key: string;
  limit: number;
  /** Tokens charged for good (settled or expired-and-charged). */
  spent: number;
  /** Tokens held by reservations that are not settled yet. */
  reserved: number;
  remaining: number;
  window_seconds: number;
  /** Epoch milliseconds at which the current window ends and the counter resets. */
  reset_at: number;
}

export type ExpiryMode = "charge" | "release";

export interface ReserveRequest {
  /** Every counter of one request lives under its tenant (a Redis Cluster hash tag). */
  tenant: string;
  /** The reservation id (the decision id); settle and release name it. */
  id: string;
  tokens: number;
  counters: Counter[];
  ttlSeconds: number;
  onExpiry: ExpiryMode;
}

export interface ReserveResult {
  ok: boolean;
  /** The counters after the call, in request order: with this reservation when ok, untouched when not. */
  counters: CounterState[];
  /** Keys of the counters that could not cover the tokens (empty when ok). */
  refused: string[];
  /** Seconds until the latest refusing window resets (0 when ok), by the store's clock. */
  retryAfterSeconds: number;
  /** The store's clock (epoch ms), so Retry-After and reset times agree across replicas. */
  now: number;
  /** True when a Redis store answered from its per-replica share because Redis was unreachable. */
  local?: boolean;
}

export interface SettleResult {
  found: boolean;
  /** Tokens the reservation held. */
  reserved: number;
  /** Tokens charged in its place (the real usage; 0 for a refund). */
  charged: number;
}

export interface BudgetStore {
  /** The counters' states, without reserving anything. */
  inspect(tenant: string, counters: Counter[]): Promise<{ counters: CounterState[]; now: number; local?: boolean }>;
  /** Reserves `tokens` on every counter or on none (all-or-nothing), in one step. */
  reserve(req: ReserveRequest): Promise<ReserveResult>;
  /**
   * Replaces a reservation by the real usage: `charged` tokens (0 refunds it all; CHARGE_RESERVED
   * charges what was reserved, for a response whose usage is unknown). Unknown ids are not an error.
   */
  settle(tenant: string, id: string, charged: number): Promise<SettleResult>;
  close(): Promise<void>;
}

/** `charged` value meaning "charge the reservation in full". */
export const CHARGE_RESERVED = -1;

/** Fixed windows aligned on the epoch, so a daily budget resets at 00:00 UTC on every replica. */
export function windowBounds(now: number, windowSeconds: number): { start: number; end: number } {
  const size = windowSeconds * 1000;
  const start = Math.floor(now / size) * size;
  return { start, end: start + size };
}

export function retryAfterSeconds(resetAt: number, now: number): number {
  return Math.max(1, Math.ceil((resetAt - now) / 1000));
}

/** Builds a counter state; `remaining` never goes below 0 even when real usage overshot. */
export function counterState(c: Counter, spent: number, reserved: number, resetAt: number): CounterState {
  return {
    key: c.key,
    limit: c.limit,
    spent,
    reserved,
    remaining: Math.max(0, c.limit - spent - reserved),
    window_seconds: c.windowSeconds,
    reset_at: resetAt,
  };
}

/** The store-computed Retry-After of a refusal: when the last refusing window resets. */
export function refusalRetryAfter(states: CounterState[], refused: string[], now: number): number {
  let worst = 0;
  for (const s of states) if (refused.includes(s.key)) worst = Math.max(worst, retryAfterSeconds(s.reset_at, now));
  return worst;
}
