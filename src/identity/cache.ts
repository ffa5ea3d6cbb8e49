/**
 * A bounded map of entries that expire at a given time, evicting the least recently used.
 * The verified-token cache uses it so each token costs one signature check until it expires.
 */
export class ExpiringCache<V> {
  private readonly map = new Map<string, { value: V; until: number }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, now: number): V | undefined {
    const hit = this.map.get(key);
    if (hit === undefined) return undefined;
    if (now >= hit.until) {
      this.map.delete(key);
      return undefined;
    }
    // Re-inserting moves the key to the young end of the Map's insertion order (LRU).
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V, until: number): void {
    if (this.maxEntries <= 0) return;
    this.map.delete(key);
    this.map.set(key, { value, until });
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }
}
