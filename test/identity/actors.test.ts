/** The RFC 8693 act chain, outermost first, bounded in depth. */
import { describe, expect, it } from "vitest";
import { actorChain, MAX_ACTOR_DEPTH } from "../../src/identity/actors.js";

describe("actorChain", () => {
  it("lists the current actor first, then the actors before it", () => {
    const claims = { sub: "alice", act: { sub: "svc-rag", client_id: "rag", act: { sub: "svc-gateway" } } };
    expect(actorChain(claims)).toEqual([{ sub: "svc-rag", client_id: "rag" }, { sub: "svc-gateway" }]);
  });

  it("is empty without act, and stops at a non-object act", () => {
    expect(actorChain({ sub: "alice" })).toEqual([]);
    expect(actorChain({ sub: "alice", act: "svc" })).toEqual([]);
    expect(actorChain({ sub: "alice", act: { sub: "a", act: ["x"] } })).toEqual([{ sub: "a" }]);
  });

  it("cuts chains deeper than the limit", () => {
    let act: Record<string, unknown> | undefined;
    for (let i = 0; i < 100; i++) act = { sub: `s${i}`, ...(act ? { act } : {}) };
    expect(actorChain({ sub: "u", act })).toHaveLength(MAX_ACTOR_DEPTH);
  });
});
