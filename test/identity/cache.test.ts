/** The bounded expiring cache behind the verified-token cache: expiry, LRU eviction, size 0. */
import { describe, expect, it } from "vitest";
import { ExpiringCache } from "../../src/identity/cache.js";

describe("ExpiringCache", () => {
  it("forgets entries at their expiry time", () => {
    const c = new ExpiringCache<string>(10);
    c.set("t", "v", 1000, 0);
    expect(c.get("t", 999)).toBe("v");
    expect(c.get("t", 1000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it("evicts the least recently used entry when full", () => {
    const c = new ExpiringCache<number>(2);
    c.set("a", 1, 1e9, 0);
    c.set("b", 2, 1e9, 0);
    expect(c.get("a", 0)).toBe(1); // a is now the most recent
    c.set("c", 3, 1e9, 0);
    expect(c.get("b", 0)).toBeUndefined();
    expect(c.get("a", 0)).toBe(1);
    expect(c.get("c", 0)).toBe(3);
  });

  it("keeps nothing with size 0", () => {
    const c = new ExpiringCache<number>(0);
    c.set("a", 1, 1e9, 0);
    expect(c.get("a", 0)).toBeUndefined();
  });
});
