// The Rego v1 core language, compiled to wasm and run through the real opa-wasm SDK.
import { describe, expect, it } from "vitest";
import { compileErrors, evalRego, value } from "./helpers.js";

const pkg = (body: string) => `package test\n\n${body}\n`;

describe("complete rules, defaults and else", () => {
  it("evaluates a complete rule and its default", async () => {
    const src = pkg(`default allow := false\nallow if input.role == "admin"`);
    expect(await value(src, "test/allow", { role: "admin" })).toBe(true);
    expect(await value(src, "test/allow", { role: "guest" })).toBe(false);
    expect(await value(src, "test/allow")).toBe(false);
  });

  it("leaves a rule undefined when no body holds", async () => {
    expect(await evalRego(pkg(`p if input.x > 1`), "test/p", { x: 0 })).toEqual([]);
  });

  it("takes the first else branch whose body holds", async () => {
    const src = pkg(`p := "a" if input.x == 1 else := "b" if input.x == 2 else := "c"`);
    expect(await value(src, "test/p", { x: 1 })).toBe("a");
    expect(await value(src, "test/p", { x: 2 })).toBe("b");
    expect(await value(src, "test/p", { x: 3 })).toBe("c");
  });

  it("raises eval_conflict_error when a complete rule has two values", async () => {
    const src = pkg(`p := 1 if input.a\np := 2 if input.b`);
    expect(await value(src, "test/p", { a: true })).toBe(1);
    await expect(value(src, "test/p", { a: true, b: true })).rejects.toMatchObject({ code: "eval_conflict_error" });
  });
});

describe("partial rules and ref heads", () => {
  it("builds partial sets and objects", async () => {
    const src = pkg(`s contains x if some x in input.xs\no[k] := v if some k, v in input.obj`);
    expect(await value(src, "test/s", { xs: [3, 1, 3] })).toEqual([1, 3]);
    expect(await value(src, "test/o", { obj: { a: 1, b: 2 } })).toEqual({ a: 1, b: 2 });
  });

  it("nests values at ref heads with variables", async () => {
    const src = pkg(`users[name].admin := true if some name in input.admins\nusers[name].email := e if { some name, e in input.emails }\nfixed.a.b := 1`);
    expect(await value(src, "test/users", { admins: ["ann"], emails: { ann: "a@x", bob: "b@x" } })).toEqual({
      ann: { admin: true, email: "a@x" },
      bob: { email: "b@x" },
    });
    expect(await value(src, "test/fixed")).toEqual({ a: { b: 1 } });
  });

  it("serves a package as the object of its rules merged with base data", async () => {
    const src = pkg(`p := 1\nq contains 2`);
    expect(await value(src, "test", undefined, { test: { base: "b" } })).toEqual({ p: 1, q: [2], base: "b" });
  });

  it("looks up virtual documents through dynamic references", async () => {
    const src = [pkg(`x := data.rules[input.name]`), `package rules\n\na := "A"\nb := "B"\n`];
    expect(await value(src, "test/x", { name: "b" })).toBe("B");
  });
});

describe("functions", () => {
  it("calls functions with several definitions and patterns in parameters", async () => {
    const src = pkg(`f(1) := "one"\nf(x) := "many" if x > 1\ng([a, b]) := a + b\nr := [f(1), f(5), g([2, 3])]`);
    expect(await value(src, "test/r")).toEqual(["one", "many", 5]);
  });

  it("refuses recursion at compile time", async () => {
    const errs = await compileErrors(pkg(`p if q\nq if p`));
    expect(errs.join("\n")).toMatch(/rego_recursion_error: rule data\.test\.(p|q) is recursive/);
  });
});

describe("comprehensions, some, every, not", () => {
  it("evaluates array, set and object comprehensions", async () => {
    const src = pkg(`a := [x * 2 | some x in input.xs]\ns := {x | some x in input.xs; x > 1}\no := {k: count(v) | some k, v in input.m}`);
    expect(await value(src, "test/a", { xs: [1, 2] })).toEqual([2, 4]);
    expect(await value(src, "test/s", { xs: [1, 2, 2] })).toEqual([2]);
    expect(await value(src, "test/o", { m: { a: [1], b: [] } })).toEqual({ a: 1, b: 0 });
  });

  it("checks every element with every", async () => {
    const src = pkg(`p if every x in input.xs { x > 0 }`);
    expect(await value(src, "test/p", { xs: [1, 2] })).toBe(true);
    expect(await evalRego(src, "test/p", { xs: [1, -2] })).toEqual([]);
    expect(await value(src, "test/p", { xs: [] })).toBe(true);
  });

  it("negates expressions, including ones that iterate", async () => {
    const src = pkg(`p if not input.blocked\nq if not input.xs[_] == 3`);
    expect(await value(src, "test/p", {})).toBe(true);
    expect(await evalRego(src, "test/p", { blocked: true })).toEqual([]);
    expect(await value(src, "test/q", { xs: [1, 2] })).toBe(true);
    expect(await evalRego(src, "test/q", { xs: [1, 3] })).toEqual([]);
  });

  it("unifies composite patterns", async () => {
    const src = pkg(`p := [a, b] if { [a, {"k": b}] = input.v }\nq := y if { {"x": 1, "y": y} = {"x": x, "y": 2}; x == 1 }`);
    expect(await value(src, "test/p", { v: [1, { k: 2 }] })).toEqual([1, 2]);
    expect(await value(src, "test/q")).toBe(2);
  });
});

describe("with", () => {
  it("replaces input, data, rules and functions for one expression", async () => {
    const src = pkg(
      `allow if input.user == "admin"\n` +
        `t1 if allow with input.user as "admin"\n` +
        `t2 if not allow with input.user as "bob"\n` +
        `f(x) := x + 1\n` +
        `double(x) := x * 2\n` +
        `t3 := y if { y := f(1) with f as double }\n` +
        `t4 := n if { n := count([1, 2, 3]) with count as 7 }\n` +
        `t5 if allow with allow as true\n` +
        `t6 := v if { v := data.cfg.x with data.cfg.x as 9 }`,
    );
    for (const [rule, want] of [["t1", true], ["t2", true], ["t3", 2], ["t4", 7], ["t5", true], ["t6", 9]] as const) {
      expect(await value(src, `test/${rule}`, { user: "bob" })).toEqual(want);
    }
  });
});

describe("memoised rule values", () => {
  it("computes a rule once per evaluation, but never across evaluations or through a with", async () => {
    const { compile } = await import("../../src/compiler/index.js");
    const { loadPolicy } = await import("../../src/evaluator/index.js");
    const src = pkg(`p := input.x\nt := [a, b, c, d] if { a := p; b := p with input.x as 2; c := p; d := p with input as {"x": 3} }`);
    const { wasm, policy: ir } = await compile({ modules: [{ path: "m.rego", source: src }], entrypoints: ["test/t"] });
    expect(ir.funcs.find((f) => f.name === "g0.data.test.p")?.memo).toBe(true);
    const policy = await loadPolicy(wasm);
    expect(policy.evaluate({ x: 1 }, "test/t")).toEqual([{ result: [1, 2, 1, 3] }]);
    expect(policy.evaluate({ x: 5 }, "test/t")).toEqual([{ result: [5, 2, 5, 3] }]);
    expect(policy.evaluate({}, "test/t")).toEqual([]);
  });
});

describe("compile errors", () => {
  it("reports unsafe variables with their location", async () => {
    const errs = await compileErrors(pkg(`p if { x > 1 }`));
    expect(errs).toEqual(["m0.rego:3:8: rego_unsafe_var_error: var x is unsafe"]);
  });

  it("reports unknown functions and arity mismatches", async () => {
    const errs = await compileErrors(pkg(`p if { nope(1) }\nq := count(1, 2, 3)`), "test/p");
    expect(errs.some((e) => /rego_type_error: undefined function nope/.test(e))).toBe(true);
  });

  it("refuses built-ins no Wasm target can serve, naming them", async () => {
    const errs = await compileErrors(pkg(`p := http.send({"url": "http://x", "method": "GET"})`));
    expect(errs.join("\n")).toMatch(/http\.send/);
  });

  it("refuses a host built-in the capabilities do not provide", async () => {
    const { compile } = await import("../../src/compiler/index.js");
    await expect(
      compile({ modules: [{ path: "m.rego", source: pkg(`p := sprintf("%d", [1])`) }], entrypoints: ["test/p"], capabilities: { builtins: [] } }),
    ).rejects.toThrow(/sprintf/);
  });
});
