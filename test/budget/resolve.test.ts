/** Which budget applies: key by scope, limit by key, then plan, then default. */
import { describe, expect, it } from "vitest";
import { resolveBudget, type BudgetRules } from "../../src/budget/resolve.js";

const rules: BudgetRules = { scope: "tenant", window_seconds: 86400, default_limit: 1000, limits: { acme: 5000 }, plan_limits: { pro: 20000 } };

describe("resolveBudget", () => {
  it("picks the key's own limit, then the plan's, then the default", () => {
    expect(resolveBudget(rules, { tenant: "acme", plan: "pro" })).toEqual({ scope: "tenant", key: "tenant:acme", limit: 5000, windowSeconds: 86400 });
    expect(resolveBudget(rules, { tenant: "globex", plan: "pro" })?.limit).toBe(20000);
    expect(resolveBudget(rules, { tenant: "initech" })?.limit).toBe(1000);
  });

  it("applies no budget without a key, with scope none, or with a zero limit", () => {
    expect(resolveBudget(rules, { subject: "alice" })).toBeUndefined();
    expect(resolveBudget({ ...rules, scope: "none" }, { tenant: "acme" })).toBeUndefined();
    expect(resolveBudget({ ...rules, default_limit: 0 }, { tenant: "initech" })).toBeUndefined();
  });

  it("keys by user or plan when configured", () => {
    expect(resolveBudget({ ...rules, scope: "user" }, { subject: "alice" })?.key).toBe("user:alice");
    // Qualified by the tenant, so two tenants' users with the same sub never share a budget.
    expect(resolveBudget({ ...rules, scope: "user" }, { tenant: "acme", subject: "alice" })?.key).toBe("user:acme/alice");
    expect(resolveBudget({ ...rules, scope: "plan", limits: {} }, { plan: "pro" })).toMatchObject({ key: "plan:pro", limit: 20000 });
  });

  it("does not read inherited properties as limits", () => {
    expect(resolveBudget({ ...rules, default_limit: 0 }, { tenant: "constructor" })).toBeUndefined();
  });
});
