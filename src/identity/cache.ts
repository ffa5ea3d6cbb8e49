/**
 * A bounded map of entries that expire at a given time, capped both by count and by bytes
 * (each entry states its own cost), evicting the least recently used and sweeping out expired
 * entries as it goes. The verified-token cache uses it so each token costs one signature check.
 */
interface Entry<V> {
  value: V;
  until: number;
  bytes: number;
  /** The use counter when the entry was last moved to the young end. */
  tick: number;
}

/** Fixed cost of one entry beyond its key and value (Map slot, entry object, numbers). */
export const ENTRY_OVERHEAD_BYTES = 160;

export class ExpiringCache<V> {
  private readonly map = new Map<string, Entry<V>>();
  private totalBytes = 0;
  private ticks = 0;
  private nextSweep = 0;

  /**
   * @param maxEntries count cap (0 keeps nothing)
   * @param maxBytes byte cap over the entries' stated costs
   * @param sweepEveryMs at most one full sweep of expired entries per this interval
   */
  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    private readonly sweepEveryMs = 10_000,
  ) {}

  get(key: string, now: number): V | undefined {
    const hit = this.map.get(key);
    if (hit === undefined) return undefined;
    if (now >= hit.until) {
      this.remove(key, hit);
      return undefined;
    }
    // Moving an entry to the young end costs a delete and an insert; entries already in the
    // younger half stay put, so a hot token does not churn the Map on every request.
    const t = ++this.ticks;
    if (t - hit.tick > this.map.size / 2) {
      this.map.delete(key);
      this.map.set(key, hit);
      hit.tick = t;
    }
    return hit.value;
  }

  /** Stores `value` until `until`; `bytes` is what the caller estimates the value costs. */
  set(key: string, value: V, until: number, now: number, bytes = 0): void {
    if (this.maxEntries <= 0) return;
    const cost = key.length + bytes + ENTRY_OVERHEAD_BYTES;
    if (cost > this.maxBytes) return;
    const old = this.map.get(key);
    if (old) this.remove(key, old);
    this.map.set(key, { value, until, bytes: cost, tick: ++this.ticks });
    this.totalBytes += cost;
    if (now >= this.nextSweep || this.totalBytes > this.maxBytes) this.sweep(now);
    while (this.map.size > this.maxEntries || this.totalBytes > this.maxBytes) {
      const oldest = this.map.keys().next().value as string;
      this.remove(oldest, this.map.get(oldest)!);
    }
  }

  /** Removes every entry whose value matches; used when a signing key is withdrawn. */
  deleteWhere(pred: (value: V) => boolean): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (pred(e.value)) {
        this.remove(k, e);
        n++;
      }
    }
    return n;
  }

  /** Drops every expired entry. */
  sweep(now: number): void {
    this.nextSweep = now + this.sweepEveryMs;
    for (const [k, e] of this.map) if (now >= e.until) this.remove(k, e);
  }

  private remove(key: string, e: Entry<V>): void {
    this.map.delete(key);
    this.totalBytes -= e.bytes;
  }

  get size(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }
}
