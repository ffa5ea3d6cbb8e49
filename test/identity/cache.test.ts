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

  it("caps the stated bytes and sweeps expired entries", () => {
    const c = new ExpiringCache<number>(1000, 10_000, 1000);
    for (let i = 0; i < 100; i++) c.set(`k${i}`, i, 5000, 0, 1000);
    expect(c.bytes).toBeLessThanOrEqual(10_000);
    expect(c.size).toBeLessThan(10);
    expect(c.get("k99", 0)).toBe(99);
    // After expiry, the next write past the sweep interval drops every expired entry.
    c.set("fresh", 1, 1e9, 6000, 10);
    expect(c.size).toBe(1);
    // An entry bigger than the whole cap is not kept at all.
    c.set("huge", 2, 1e9, 6000, 20_000);
    expect(c.get("huge", 6000)).toBeUndefined();
  });

  it("deletes the entries a predicate selects", () => {
    const c = new ExpiringCache<{ kid: string }>(10);
    c.set("a", { kid: "k1" }, 1e9, 0);
    c.set("b", { kid: "k2" }, 1e9, 0);
    expect(c.deleteWhere((v) => v.kid === "k2")).toBe(1);
    expect(c.get("a", 0)).toEqual({ kid: "k1" });
    expect(c.get("b", 0)).toBeUndefined();
  });
});
