/** bench/lib/measure.ts: percentiles from per-call timings, and a measured row's shape. */
import { describe, expect, it } from "vitest";
import { measureSync, percentilesSync, summarize } from "../../../bench/lib/measure.js";

describe("summarize", () => {
  it("takes nearest-rank percentiles of the sorted sample and scales them", () => {
    const ns = Array.from({ length: 1000 }, (_, i) => (1000 - i) * 1000); // 1,000,000 ns down to 1,000 ns
    const p = summarize(ns, 1e-3);
    expect(p.p50).toBe(500);
    expect(p.p99).toBe(990);
    expect(p.p999).toBe(999);
    expect(p.mean).toBe(500.5);
  });

  it("gives NaN percentiles for an empty sample rather than inventing figures", () => {
    expect(Number.isNaN(summarize([], 1).p50)).toBe(true);
  });
});

describe("percentilesSync", () => {
  it("stops at its time budget, but never before 200 calls, and says how many it timed", () => {
    const spin = (): number => {
      const end = process.hrtime.bigint() + 200_000n; // 0.2 ms of work per call
      let x = 0;
      while (process.hrtime.bigint() < end) x++;
      return x;
    };
    const p = percentilesSync(spin, 100_000, 20);
    expect(p.count).toBeGreaterThanOrEqual(200);
    expect(p.count).toBeLessThan(100_000);
    expect(p.p50).toBeGreaterThanOrEqual(200);
  });
});

describe("measureSync", () => {
  it("returns a row whose percentiles are ordered and whose sample count is the timed calls", () => {
    let n = 0;
    const row = measureSync("unit/add", () => (n += 1), { quick: true, timedCalls: 2000 });
    expect(row.name).toBe("unit/add");
    expect(row.samples).toBe(2000);
    expect(row.ops_per_sec).toBeGreaterThan(0);
    expect(row.p99_us!).toBeGreaterThanOrEqual(row.p50_us!);
    expect(n).toBeGreaterThan(2000);
  });
});
