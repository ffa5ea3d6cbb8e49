// Where regent once differed from OPA, most of all where it allowed what OPA refuses: each case
// states OPA's behaviour (from its compiler, planner and corpus) and checks regent against it.
import { describe, expect, it } from "vitest";
import { compileErrors, evalRego, value } from "./helpers.js";

const pkg = (body: string) => `package test\n\n${body}\n`;

describe("every over a domain that is not a collection is undefined, as in OPA's planner", () => {
  const src = pkg(`allow if every r in input.roles { r != "banned" }\nkeys if every k, _ in input.roles { k != "x" }`);
  for (const roles of ["admin", 5, null, true, 0, ""]) {
    it(`roles = ${JSON.stringify(roles)}`, async () => {
      expect(await evalRego(src, "test/allow", { roles })).toEqual([]);
      expect(await evalRego(src, "test/keys", { roles })).toEqual([]);
    });
  }

  it("stays vacuously true over empty collections, and checks each element of arrays, objects and sets", async () => {
    for (const roles of [[], {}, ["a"], { a: "b" }]) expect(await value(src, "test/allow", { roles })).toBe(true);
    expect(await evalRego(src, "test/allow", { roles: ["a", "banned"] })).toEqual([]);
    expect(await evalRego(src, "test/allow", { roles: { k: "banned" } })).toEqual([]);
    expect(await evalRego(src, "test/allow")).toEqual([]);
    const sets = pkg(`p if every x in {1, 2} { x > 0 }\nq if every x in {1, -2} { x > 0 }`);
    expect(await value(sets, "test/p")).toBe(true);
    expect(await evalRego(sets, "test/q")).toEqual([]);
  });

  it("leaves the every rule undefined over a non-collection, so a deny built on its negation fires", async () => {
    const deny = pkg(`clean if every r in input.roles { r != "banned" }\ndeny if not clean`);
    expect(await value(deny, "test/deny", { roles: "banned" })).toBe(true);
    expect(await evalRego(deny, "test/deny", { roles: ["ok"] })).toEqual([]);
  });
});

describe("a variable is declared once per scope, as OPA's RewriteLocalVars requires", () => {
  const refused: [string, string][] = [
    [`allow if { role := input.role; role := "admin" }`, "3:32: rego_compile_error: var role assigned above"],
    [`allow if { x = input.x; x := 1 }`, "3:25: rego_compile_error: var x referenced above"],
    [`allow if { some x; x := 1 }`, "3:20: rego_compile_error: var x declared above"],
    [`allow if { x := 1; some x }`, "3:25: rego_compile_error: var x assigned above"],
    [`allow if { x := 1; some x in [1] }`, "3:25: rego_compile_error: var x assigned above"],
    [`f(x) := y if { x := 1; y := 2 }\nallow if f(1)`, "3:16: rego_compile_error: arg x redeclared"],
    [`allow if { 1 := x }`, "3:12: rego_compile_error: cannot assign to number"],
    [`allow if { [x, "a"] := [1, "a"] }`, "3:16: rego_compile_error: cannot assign to string"],
    [`allow if { input.x := 1 }`, "3:12: rego_compile_error: cannot assign to ref"],
    [`allow if { not x := 1 }`, "3:12: rego_compile_error: cannot assign vars inside negated expression"],
    [`allow if { xs := [y | y := 1; y := 2]; xs }`, "3:31: rego_compile_error: var y assigned above"],
  ];
  for (const [rule, error] of refused) {
    it(rule, async () => {
      expect(await compileErrors(pkg(rule), "test/allow")).toContain(`m0.rego:${error}`);
    });
  }

  it("still lets a closure shadow an outer name, and a repeated argument unify", async () => {
    expect(await value(pkg(`p := [x | x := 2] if { x := 1; x == 1 }`), "test/p")).toEqual([2]);
    const src = pkg(`f(x, x) := true\na := f(1, 1)\nb := f(1, 2)`);
    expect(await value(src, "test/a")).toBe(true);
    expect(await evalRego(src, "test/b")).toEqual([]);
    // Object keys in a pattern are matched, not assigned.
    expect(await value(pkg(`p := x if { {"a": x} := {"a": 1} }`), "test/p")).toBe(1);
    // A rule name may be shadowed by a local, as in OPA.
    expect(await value(pkg(`q := 1\np := q if { q := 2 }`), "test/p")).toBe(2);
  });
});
