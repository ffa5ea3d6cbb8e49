/** The in-process store on a fake clock: fixed windows, all-or-nothing reservations, settlement, expiry. */
import { describe, expect, it } from "vitest";
import { MemoryBudgetStore } from "../../src/budget/memory.js";
import { CHARGE_RESERVED, type Counter, type ReserveRequest } from "../../src/budget/store.js";

const day: Counter = { key: "tenant:acme:86400", limit: 1000, windowSeconds: 86400 };
const req = (id: string, tokens: number, counters: Counter[] = [day], extra: Partial<ReserveRequest> = {}): ReserveRequest => ({
  tenant: "acme", id, tokens, counters, ttlSeconds: 60, onExpiry: "charge", ...extra,
});

describe("MemoryBudgetStore", () => {
  it("reserves until the limit and then reports exhaustion with the time to reset", async () => {
    let now = Date.UTC(2026, 10, 25, 18, 0, 0);
    const s = new MemoryBudgetStore(() => now);
    expect((await s.inspect("acme", [day])).counters[0]).toMatchObject({ limit: 1000, spent: 0, reserved: 0, remaining: 1000, reset_at: Date.UTC(2026, 10, 26) });
    expect((await s.reserve(req("a", 600))).ok).toBe(true);
    const r = await s.reserve(req("b", 500));
    expect(r).toMatchObject({ ok: false, refused: [day.key], retryAfterSeconds: 6 * 3600 });
    expect(r.counters[0]!.remaining).toBe(400); // a refused reservation takes nothing
    expect((await s.reserve(req("c", 400))).ok).toBe(true);
    expect((await s.inspect("acme", [day])).counters[0]!.remaining).toBe(0);
    expect((await s.inspect("globex", [day])).counters[0]!.remaining).toBe(1000);
    now = Date.UTC(2026, 10, 26, 0, 0, 1); // the next window starts fresh
    expect((await s.inspect("acme", [day])).counters[0]!.remaining).toBe(1000);
    expect((await s.reserve(req("d", 1000))).ok).toBe(true);
  });

  it("is atomic under concurrent reservations: never over-commits", async () => {
    const s = new MemoryBudgetStore();
    const c: Counter = { key: "user:acme/alice:3600", limit: 500, windowSeconds: 3600 };
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => s.reserve(req(`r${i}`, 7, [c]))));
    const granted = results.filter((r) => r.ok).length;
    expect(granted).toBe(Math.floor(500 / 7));
    expect((await s.inspect("acme", [c])).counters[0]!.reserved).toBe(granted * 7);
  });

  it("retry-after is at least one second", async () => {
    const size = 60_000;
    const s = new MemoryBudgetStore(() => 10 * size - 1);
    const c: Counter = { key: "k:60", limit: 1, windowSeconds: 60 };
    await s.reserve(req("a", 1, [c]));
    expect((await s.reserve(req("b", 1, [c]))).retryAfterSeconds).toBe(1);
  });

  it("expires unsettled reservations: charged in full or released, as configured", async () => {
    let now = Date.UTC(2026, 10, 25, 12);
    const s = new MemoryBudgetStore(() => now);
    await s.reserve(req("charged", 100, [day], { ttlSeconds: 30, onExpiry: "charge" }));
    await s.reserve(req("released", 50, [day], { ttlSeconds: 30, onExpiry: "release" }));
    expect((await s.inspect("acme", [day])).counters[0]).toMatchObject({ spent: 0, reserved: 150 });
    now += 31_000;
    expect((await s.inspect("acme", [day])).counters[0]).toMatchObject({ spent: 100, reserved: 0, remaining: 900 });
    expect((await s.settle("acme", "charged", 10)).found).toBe(false); // gone once expired
  });

  it("settles to the real usage, refunds, and charges in full when usage is unknown", async () => {
    const s = new MemoryBudgetStore(() => Date.UTC(2026, 10, 25, 12));
    await s.reserve(req("a", 300));
    await s.reserve(req("b", 200));
    await s.reserve(req("c", 100));
    expect(await s.settle("acme", "a", 42)).toEqual({ found: true, reserved: 300, charged: 42 });
    expect(await s.settle("acme", "b", 0)).toEqual({ found: true, reserved: 200, charged: 0 });
    expect(await s.settle("acme", "c", CHARGE_RESERVED)).toEqual({ found: true, reserved: 100, charged: 100 });
    expect(await s.settle("acme", "a", 1)).toMatchObject({ found: false }); // settling twice charges once
    expect((await s.inspect("acme", [day])).counters[0]).toMatchObject({ spent: 142, reserved: 0, remaining: 858 });
  });
});
