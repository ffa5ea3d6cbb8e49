/**
 * The embedded in-process budget store: counters per tenant, scope and fixed window, and
 * reservations that settle or expire. JavaScript runs each call to completion on one thread,
 * so all-or-nothing across counters needs no locks. Also the per-replica fallback of redis.ts.
 */
import {
  counterState,
  refusalRetryAfter,
  windowBounds,
  type BudgetStore,
  type Counter,
  type CounterState,
  type ExpiryMode,
  type ReserveRequest,
  type ReserveResult,
  type SettleResult,
} from "./store.js";

interface Slot {
  start: number;
  end: number;
  spent: number;
  reserved: number;
}

interface Reservation {
  tokens: number;
  /** The counters it holds, each with the window start it was taken in. */
  held: { slot: string; start: number }[];
  expiresAt: number;
  onExpiry: ExpiryMode;
}

export class MemoryBudgetStore implements BudgetStore {
  private readonly slots = new Map<string, Slot>();
  private readonly reservations = new Map<string, Reservation>();
  private nextSweep = 0;
  private ops = 0;

  constructor(private readonly now: () => number = Date.now, private readonly maxKeys = 1_000_000) {}

  async inspect(tenant: string, counters: Counter[]): Promise<{ counters: CounterState[]; now: number }> {
    return this.inspectSync(tenant, counters);
  }

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    return this.reserveSync(req);
  }

  async settle(tenant: string, id: string, charged: number): Promise<SettleResult> {
    return this.settleSync(tenant, id, charged);
  }

  inspectSync(tenant: string, counters: Counter[]): { counters: CounterState[]; now: number } {
    const now = this.now();
    this.sweepExpired(now);
    return { counters: counters.map((c) => this.stateOf(tenant, c, now)), now };
  }

  reserveSync(req: ReserveRequest): ReserveResult {
    const now = this.now();
    this.sweepExpired(now);
    const rid = slotName(req.tenant, req.id);
    const tokens = Math.max(0, Math.ceil(req.tokens));
    if (this.reservations.has(rid)) {
      // A retried Check with the same id: the first reservation stands, nothing is taken twice.
      return { ok: true, counters: req.counters.map((c) => this.stateOf(req.tenant, c, now)), refused: [], retryAfterSeconds: 0, now };
    }
    const before = req.counters.map((c) => this.stateOf(req.tenant, c, now));
    const refused = before.filter((s) => s.spent + s.reserved + tokens > s.limit).map((s) => s.key);
    if (refused.length) return { ok: false, counters: before, refused, retryAfterSeconds: refusalRetryAfter(before, refused, now), now };
    const held: Reservation["held"] = [];
    for (const c of req.counters) {
      const slot = this.current(req.tenant, c, now);
      slot.reserved += tokens;
      held.push({ slot: slotName(req.tenant, `${c.key}`), start: slot.start });
    }
    this.reservations.set(rid, { tokens, held, expiresAt: now + req.ttlSeconds * 1000, onExpiry: req.onExpiry });
    return { ok: true, counters: req.counters.map((c) => this.stateOf(req.tenant, c, now)), refused: [], retryAfterSeconds: 0, now };
  }

  settleSync(tenant: string, id: string, charged: number): SettleResult {
    const rid = slotName(tenant, id);
    const r = this.reservations.get(rid);
    if (!r) return { found: false, reserved: 0, charged: 0 };
    this.reservations.delete(rid);
    const n = charged < 0 ? r.tokens : Math.ceil(charged);
    this.apply(r, n);
    return { found: true, reserved: r.tokens, charged: n };
  }

  async close(): Promise<void> {
    this.slots.clear();
    this.reservations.clear();
  }

  /** Moves a reservation's tokens out of `reserved`, charging `charged` of them, in windows still current. */
  private apply(r: Reservation, charged: number): void {
    for (const h of r.held) {
      const s = this.slots.get(h.slot);
      if (!s || s.start !== h.start) continue; // that window has ended; its counter is gone
      s.reserved = Math.max(0, s.reserved - r.tokens);
      s.spent += charged;
    }
  }

  /** A full scan at most once a second: expiry may lag by up to a second, and the hot path stays O(1). */
  private sweepExpired(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + 1000;
    for (const [rid, r] of this.reservations) {
      if (r.expiresAt > now) continue;
      this.reservations.delete(rid);
      this.apply(r, r.onExpiry === "charge" ? r.tokens : 0);
    }
  }

  private stateOf(tenant: string, c: Counter, now: number): CounterState {
    const { start, end } = windowBounds(now, c.windowSeconds);
    const s = this.slots.get(slotName(tenant, c.key));
    return s && s.start === start ? counterState(c, s.spent, s.reserved, end) : counterState(c, 0, 0, end);
  }

  private current(tenant: string, c: Counter, now: number): Slot {
    const name = slotName(tenant, c.key);
    const { start, end } = windowBounds(now, c.windowSeconds);
    let s = this.slots.get(name);
    if (!s || s.start !== start) {
      s = { start, end, spent: 0, reserved: 0 };
      this.slots.set(name, s);
      if (++this.ops % 4096 === 0 || this.slots.size > this.maxKeys) this.sweepSlots(now);
    }
    return s;
  }

  /** Drops counters of windows that have ended; their usage no longer matters. */
  private sweepSlots(now: number): void {
    for (const [key, s] of this.slots) if (s.end <= now) this.slots.delete(key);
    while (this.slots.size > this.maxKeys) this.slots.delete(this.slots.keys().next().value as string);
  }
}

function slotName(tenant: string, key: string): string {
  return `${tenant}\u0000${key}`;
}
