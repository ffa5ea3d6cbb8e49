/**
 * The embedded in-process budget store: one counter per key and fixed window. JavaScript runs
 * a reserve to completion on one thread, so check-and-add is atomic without locks. With
 * several workers the primary process owns the one instance (see authz/cluster.ts).
 */
import { retryAfterSeconds, windowBounds, type BudgetState, type BudgetStore, type ReserveResult } from "./store.js";

interface Counter {
  windowStart: number;
  windowEnd: number;
  used: number;
}

export class MemoryBudgetStore implements BudgetStore {
  private readonly counters = new Map<string, Counter>();
  private ops = 0;

  constructor(private readonly now: () => number = Date.now, private readonly maxKeys = 1_000_000) {}

  async get(key: string, limit: number, windowSeconds: number): Promise<BudgetState> {
    return this.getSync(key, limit, windowSeconds);
  }

  async reserve(key: string, tokens: number, limit: number, windowSeconds: number): Promise<ReserveResult> {
    return this.reserveSync(key, tokens, limit, windowSeconds);
  }

  getSync(key: string, limit: number, windowSeconds: number): BudgetState {
    const now = this.now();
    const { start, end } = windowBounds(now, windowSeconds);
    const c = this.counters.get(key);
    const used = c && c.windowStart === start ? c.used : 0;
    return state(key, limit, used, windowSeconds, end);
  }

  reserveSync(key: string, tokens: number, limit: number, windowSeconds: number): ReserveResult {
    const now = this.now();
    const { start, end } = windowBounds(now, windowSeconds);
    let c = this.counters.get(key);
    if (!c || c.windowStart !== start) {
      c = { windowStart: start, windowEnd: end, used: 0 };
      this.counters.set(key, c);
      if (++this.ops % 4096 === 0 || this.counters.size > this.maxKeys) this.sweep(now);
    }
    const n = Math.max(0, Math.ceil(tokens));
    if (c.used + n > limit) {
      const s = state(key, limit, c.used, windowSeconds, end);
      return { ok: false, state: s, retryAfterSeconds: retryAfterSeconds(s, now) };
    }
    c.used += n;
    return { ok: true, state: state(key, limit, c.used, windowSeconds, end) };
  }

  async close(): Promise<void> {
    this.counters.clear();
  }

  /** Drops counters of windows that have ended; their usage no longer matters. */
  private sweep(now: number): void {
    for (const [key, c] of this.counters) {
      if (c.windowEnd <= now) this.counters.delete(key);
    }
    while (this.counters.size > this.maxKeys) this.counters.delete(this.counters.keys().next().value as string);
  }
}

function state(key: string, limit: number, used: number, windowSeconds: number, resetAt: number): BudgetState {
  return { key, limit, used, remaining: Math.max(0, limit - used), window_seconds: windowSeconds, reset_at: resetAt };
}
