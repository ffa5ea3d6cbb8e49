/** Which counters a request touches: nested scopes from identity, limits from data over config, input.budget. */
import { describe, expect, it } from "vitest";
import { resolveScopes, type ScopeRules } from "../../src/budget/scopes.js";
import { budgetInput } from "../../src/budget/view.js";
import { formatReservation, parseReservation } from "../../src/budget/reservation-id.js";
import { counterState } from "../../src/budget/store.js";

const rules: ScopeRules = {
  scope: "none", window_seconds: 86400, default_limit: 0, limits: {}, plan_limits: {},
  scopes: ["tenant", "user", "agent", "plan", "model"],
  rate_window_seconds: 60,
  scope_limits: { tenant: { budget: 1000, rate: 100, ids: { acme: { budget: 5000 } } }, user: { budget: 200 }, plan: { ids: { pro: { budget: 9000 } } } },
  data_path: "regent.budgets",
};

describe("resolveScopes", () => {
  it("nests tenant ⊃ tenant/user ⊃ tenant/user/agent, plus plan and model, each with its windows", () => {
    const plan = resolveScopes(rules, { tenant: "acme", subject: "alice", plan: "pro", actors: [{ sub: "bot" }, { sub: "gw" }] }, "gpt-4o", {
      regent: { budgets: { agent: { budget: 50 }, model: { ids: { "gpt-4o": { rate: 70 } } } } },
    })!;
    expect(plan.tenant).toBe("acme");
    expect(plan.nested).toBe(true);
    expect(plan.scopes.map((s) => s.key)).toEqual(["tenant:acme", "user:acme/alice", "agent:acme/alice/bot", "plan:pro", "model:gpt-4o"]);
    expect(plan.scopes[0]).toMatchObject({ budget: { key: "tenant:acme:86400", limit: 5000 }, rate: { key: "tenant:acme:60", limit: 100, windowSeconds: 60 } });
    expect(plan.scopes[2]!.budget!.limit).toBe(50);
    expect(plan.scopes[4]).toMatchObject({ rate: { limit: 70 } });
    expect(plan.scopes[4]!.budget).toBeUndefined();
    expect(plan.counters).toHaveLength(6); // tenant budget and rate, user, agent, plan, model rate
  });

  it("qualifies users by tenant and skips scopes without an id or a limit", () => {
    const a = resolveScopes(rules, { tenant: "a", subject: "sam" }, undefined, undefined)!;
    const b = resolveScopes(rules, { tenant: "b", subject: "sam" }, undefined, undefined)!;
    expect(a.scopes.map((s) => s.key)).toEqual(["tenant:a", "user:a/sam"]);
    expect(b.scopes[1]!.key).toBe("user:b/sam");
    expect(resolveScopes({ ...rules, scope_limits: {} }, { tenant: "a" }, undefined, undefined)).toBeUndefined();
  });

  it("takes the agent from client_id when the actor has no sub", () => {
    const p = resolveScopes({ ...rules, scope_limits: { agent: { budget: 1 } } }, { tenant: "t", subject: "u", actors: [{ client_id: "app-7" }] }, undefined, undefined)!;
    expect(p.scopes[0]!.key).toBe("agent:t/u/app-7");
  });

  it("prefers bundle data to the config and ignores malformed data", () => {
    const data = { regent: { budgets: { tenant: { budget: 10, ids: { acme: { budget: "lots" } } }, user: "nonsense" } } };
    const p = resolveScopes(rules, { tenant: "acme", subject: "u" }, undefined, data)!;
    // The id's config limit (5000) beats data's malformed id entry and data's scope default (10).
    expect(p.scopes[0]!.budget!.limit).toBe(5000);
    const q = resolveScopes(rules, { tenant: "globex", subject: "u" }, undefined, data)!;
    expect(q.scopes[0]!.budget!.limit).toBe(10);
    expect(q.scopes[1]!.budget!.limit).toBe(200);
  });

  it("keeps the legacy single scope when budget.scopes is empty", () => {
    const p = resolveScopes({ ...rules, scopes: [], scope: "tenant", default_limit: 100 }, { tenant: "acme" }, undefined, undefined)!;
    expect(p).toMatchObject({ nested: false, scopes: [{ scope: "tenant", key: "tenant:acme" }], counters: [{ key: "tenant:acme:86400", limit: 100 }] });
  });
});

describe("budgetInput", () => {
  it("shows each scope's limit, spent, reserved and remaining, and the refusal with the store's Retry-After", () => {
    const plan = resolveScopes(rules, { tenant: "acme", subject: "alice" }, undefined, undefined)!;
    const now = Date.UTC(2026, 0, 1, 23, 0, 0);
    const end = Date.UTC(2026, 0, 2);
    const states = plan.counters.map((c) => counterState(c, c.key.startsWith("user") ? 150 : 10, 40, c.windowSeconds === 60 ? now + 30_000 : end));
    const b = budgetInput(plan, { states, now, reservation: { id: "d1", tokens: 20, ok: false, refused: ["user:acme/alice:86400"], retryAfterSeconds: 3600 } });
    expect(b).toMatchObject({
      scope: "user",
      key: "user:acme/alice",
      limit: 200,
      spent: 150,
      reserved: 40,
      remaining: 10,
      exhausted: true,
      refused_by: ["user"],
      retry_after_seconds: 3600,
      reservation: { id: "d1", tokens: 20, ok: false },
    });
    expect(b.scopes).toMatchObject({
      tenant: { key: "tenant:acme", limit: 5000, spent: 10, reserved: 40, remaining: 4950, rate: { limit: 100, remaining: 50, retry_after_seconds: 30 } },
      user: { limit: 200, remaining: 10, reset_at: "2026-01-02T00:00:00Z", retry_after_seconds: 3600 },
    });
  });
});

describe("reservation header values", () => {
  it("round-trip tenant and id, and refuse anything else", () => {
    const v = formatReservation("acme {eu}", "0b7c3e1e-6f6a-4a8e-9a34-4d2f1c9a7e55");
    expect(parseReservation(v)).toEqual({ tenant: "acme {eu}", id: "0b7c3e1e-6f6a-4a8e-9a34-4d2f1c9a7e55" });
    for (const bad of [undefined, "", "x", ".abc", "id.", "a.b.c", "id.!!", `${"a".repeat(200)}.YQ`, "id.YQ="]) expect(parseReservation(bad)).toBeUndefined();
  });
});
