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
  it("answers when the primary does", async () => {
    const c = channel();
    const store = new IpcBudgetStore(10_000, undefined, c.ch);
    const p = store.get("tenant:a", 10, 60);
    c.answer(c.sent[0]!.id, { limit: 10, used: 1, remaining: 9, window_seconds: 60, reset_at: 0 });
    await expect(p).resolves.toMatchObject({ remaining: 9 });
  });

  it("fails a call the primary does not answer in time, and ignores the late answer", async () => {
    const c = channel();
    let timeouts = 0;
    const store = new IpcBudgetStore(50, () => timeouts++, c.ch);
    await expect(store.reserve("tenant:a", 5, 10, 60)).rejects.toMatchObject({ code: "budget_store_error", message: expect.stringMatching(/limits\.budget_call_timeout_ms/) });
    expect(timeouts).toBe(1);
    c.answer(c.sent[0]!.id, { ok: true });
    const next = store.get("tenant:a", 10, 60);
    c.answer(c.sent[1]!.id, { limit: 10, used: 0, remaining: 10, window_seconds: 60, reset_at: 0 });
    await expect(next).resolves.toMatchObject({ remaining: 10 });
  });
});
