/** reserve_calls: strict reading of the decision field, reservation in order under the calls: prefix. */
import { describe, expect, it } from "vitest";
import { callCounter, callReservations, reserveCalls } from "../../src/authz/call-budget.js";
import { mapDecision } from "../../src/authz/decision.js";
import { MemoryBudgetStore } from "../../src/budget/index.js";

describe("callReservations", () => {
  it("reads well-formed entries", () => {
    expect(callReservations(undefined)).toEqual([]);
    expect(callReservations([{ key: "tool:acme:x", calls: 2, limit: 5, window_seconds: 60 }])).toEqual([{ key: "tool:acme:x", calls: 2, limit: 5, windowSeconds: 60 }]);
  });

  it("refuses anything else, so the server denies instead of reserving half", () => {
    for (const bad of [
      {},
      "x",
      [null],
      [{ key: "", calls: 1, limit: 1, window_seconds: 1 }],
      [{ key: "k", calls: 0, limit: 1, window_seconds: 1 }],
      [{ key: "k", calls: 1.5, limit: 1, window_seconds: 1 }],
      [{ key: "k", calls: 1, limit: -1, window_seconds: 1 }],
      [{ key: "k", calls: 1, limit: 1, window_seconds: 0 }],
      Array.from({ length: 65 }, () => ({ key: "k", calls: 1, limit: 1, window_seconds: 1 })),
    ]) {
      expect(() => callReservations(bad), JSON.stringify(bad).slice(0, 60)).toThrow(/decision\.reserve_calls/);
    }
  });

  it("turns a malformed reserve_calls in an allow into a server-side deny", () => {
    const out = mapDecision({ allowed: true, reserve_calls: [{ key: "k" }] }, 403);
    expect(out.allowed).toBe(false);
    expect(out.error).toMatch(/reserve_calls\[0\]\.calls/);
    expect(mapDecision({ allowed: true, reserve_calls: [{ key: "k", calls: 1, limit: 1, window_seconds: 9 }] }, 403).reserveCalls).toHaveLength(1);
  });
});

describe("reserveCalls", () => {
  it("reserves each key under calls:, and at a refusal releases what it had reserved", async () => {
    const store = new MemoryBudgetStore();
    const list = [
      { key: "a", calls: 1, limit: 3, windowSeconds: 60 },
      { key: "b", calls: 2, limit: 3, windowSeconds: 60 },
    ];
    const ctx = (id: string) => ({ tenant: "acme", id, ttlSeconds: 60 });
    expect(await reserveCalls(store, list, ctx("d1"))).toEqual({ ok: true });
    const refused = await reserveCalls(store, list, ctx("d2"));
    expect(refused).toMatchObject({ ok: false, key: "b" });
    const seen = await store.inspect("acme", list.map(callCounter));
    // d1 holds a=1 and b=2; d2's a was released when b was refused.
    expect(seen.counters.map((c) => c.spent + c.reserved)).toEqual([1, 2]);
    expect(seen.counters.map((c) => c.key)).toEqual(["calls:a:60", "calls:b:60"]);
  });
});
