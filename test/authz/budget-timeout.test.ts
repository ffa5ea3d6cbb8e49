/**
 * In cluster mode a worker's budget calls go to the primary over IPC; a primary that never
 * answers must not hold a Check forever: the call fails after limits.budget_call_timeout_ms with
 * budget_store_error (the Check is then answered per fail mode), and a late answer is ignored.
 */
import { describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { IpcBudgetStore, type IpcChannel } from "../../src/authz/cluster.js";

/** A channel whose primary answers only when told to. */
function channel() {
  const ee = new EventEmitter();
  const sent: { id: number; op: string }[] = [];
  const ch: IpcChannel = {
    send: (m, _h, _o, cb) => {
      sent.push(m as { id: number; op: string });
      cb(null);
      return true;
    },
    on: (ev, l) => ee.on(ev, l),
  };
  return { ch, sent, answer: (id: number, result: unknown) => ee.emit("message", { t: "budget-r", id, result }) };
}

describe("IpcBudgetStore", () => {
  const counter = { key: "tenant:a:60", limit: 10, windowSeconds: 60 };
  const state = (remaining: number) => ({ counters: [{ key: counter.key, limit: 10, spent: 10 - remaining, reserved: 0, remaining, window_seconds: 60, reset_at: 0 }], now: 0 });

  it("answers when the primary does", async () => {
    const c = channel();
    const store = new IpcBudgetStore(10_000, undefined, c.ch);
    const p = store.inspect("a", [counter]);
    c.answer(c.sent[0]!.id, state(9));
    await expect(p).resolves.toMatchObject({ counters: [{ remaining: 9 }] });
  });

  it("fails a call the primary does not answer in time, and ignores the late answer", async () => {
    const c = channel();
    let timeouts = 0;
    const store = new IpcBudgetStore(50, () => timeouts++, c.ch);
    const req = { tenant: "a", id: "d1", tokens: 5, counters: [counter], ttlSeconds: 60, onExpiry: "release" as const };
    await expect(store.reserve(req)).rejects.toMatchObject({ code: "budget_store_error", message: expect.stringMatching(/limits\.budget_call_timeout_ms/) });
    expect(timeouts).toBe(1);
    c.answer(c.sent[0]!.id, { ok: true });
    const next = store.inspect("a", [counter]);
    c.answer(c.sent[1]!.id, state(10));
    await expect(next).resolves.toMatchObject({ counters: [{ remaining: 10 }] });
  });
});
