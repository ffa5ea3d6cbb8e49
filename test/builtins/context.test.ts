// Per-evaluation memo: fixed within one synchronous turn, cleared by beginEvaluation or the next turn.
import { describe, expect, it } from "vitest";
import { HostContext, wallClockNs } from "../../src/builtins/context.js";

describe("HostContext", () => {
  it("memoises until beginEvaluation", () => {
    const ctx = new HostContext();
    let n = 0;
    expect(ctx.memo("k", () => ++n)).toBe(1);
    expect(ctx.memo("k", () => ++n)).toBe(1);
    ctx.beginEvaluation();
    expect(ctx.memo("k", () => ++n)).toBe(2);
  });
  it("forgets at the end of the synchronous turn", async () => {
    const ctx = new HostContext();
    let n = 0;
    ctx.memo("k", () => ++n);
    await Promise.resolve();
    expect(ctx.memo("k", () => ++n)).toBe(2);
  });
  it("reads a wall clock in nanoseconds", () => {
    const a = wallClockNs();
    expect(Number(a / 1_000_000n)).toBeGreaterThan(Date.now() - 1000);
    expect(wallClockNs()).toBeGreaterThanOrEqual(a);
  });
});
