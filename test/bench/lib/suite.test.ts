/** bench/lib/suite.ts: --only selects a scenario, a group under it, and wants its parent groups. */
import { describe, expect, it } from "vitest";
import { selector } from "../../../bench/lib/suite.js";

describe("selector", () => {
  it("selects everything without --only", () => {
    expect(selector([])("anything/at/all")).toBe(true);
  });

  it("selects a scenario, the scenarios under a group, and the groups above a pattern", () => {
    const wants = selector(["hotpath/rbac", "jwt/es256/jose"]);
    expect(wants("hotpath/rbac")).toBe(true);
    expect(wants("hotpath/rbac/cedar")).toBe(true);
    expect(wants("hotpath")).toBe(true);
    expect(wants("jwt/es256")).toBe(true);
    expect(wants("jwt/es256/jose")).toBe(true);
    expect(wants("jwt/es256/first")).toBe(false);
    expect(wants("hotpath/nop/opa-wasm")).toBe(false);
    // A prefix must end at a "/": hotpath/rba is not hotpath/rbac.
    expect(selector(["hotpath/rba"])("hotpath/rbac/cedar")).toBe(false);
  });
});
