/** The in-process budget store: fixed windows, atomic reservations, exhaustion with retry-after. */
import { describe, expect, it } from "vitest";
import { MemoryBudgetStore } from "../../src/budget/memory.js";

describe("MemoryBudgetStore", () => {
  it("reserves until the limit and then reports exhaustion with the time to reset", async () => {
    let now = Date.UTC(2026, 10, 25, 18, 0, 0);
    const s = new MemoryBudgetStore(() => now);
    expect(await s.get("tenant:acme", 1000, 86400)).toMatchObject({ limit: 1000, used: 0, remaining: 1000, reset_at: Date.UTC(2026, 10, 26) });
    expect((await s.reserve("tenant:acme", 600, 1000, 86400)).ok).toBe(true);
    const r = await s.reserve("tenant:acme", 500, 1000, 86400);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.retryAfterSeconds).toBe(6 * 3600);
    expect(r.state.remaining).toBe(400); // a refused reservation takes nothing
    expect((await s.reserve("tenant:acme", 400, 1000, 86400)).ok).toBe(true);
    expect((await s.get("tenant:acme", 1000, 86400)).remaining).toBe(0);
    expect((await s.get("tenant:globex", 1000, 86400)).remaining).toBe(1000);
    now = Date.UTC(2026, 10, 26, 0, 0, 1); // the next window starts fresh
    expect((await s.get("tenant:acme", 1000, 86400)).remaining).toBe(1000);
    expect((await s.reserve("tenant:acme", 1000, 1000, 86400)).ok).toBe(true);
  });

  it("is atomic under concurrent reservations: never over-commits", async () => {
    const s = new MemoryBudgetStore();
    const results = await Promise.all(Array.from({ length: 100 }, () => s.reserve("user:alice", 7, 500, 3600)));
    const granted = results.filter((r) => r.ok).length;
    expect(granted).toBe(Math.floor(500 / 7));
    expect((await s.get("user:alice", 500, 3600)).used).toBe(granted * 7);
  });

  it("retry-after is at least one second", async () => {
    const size = 60_000;
    const s = new MemoryBudgetStore(() => 10 * size - 1);
    await s.reserve("k", 1, 1, 60);
    const r = await s.reserve("k", 1, 1, 60);
    expect(!r.ok && r.retryAfterSeconds).toBe(1);
  });
});
