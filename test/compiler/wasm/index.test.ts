/**
 * The wasm backend end to end: hand-written IR → generateModule → the real opa-wasm SDK →
 * evaluate, on both the fast path (opa_eval) and the slow path (eval context).
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type * as ir from "../../../src/compiler/ir/ir.js";
import { generateModule } from "../../../src/compiler/wasm/index.js";
import { RegentError } from "../../../src/errors.js";
import { B, L, S, both, compile, load, loc, planCalling, planOnly, singleRule, thrown } from "./helpers.js";

// allow if input.user == "admin"
const allowPolicy: ir.Policy = singleRule(
  [
    { type: "Dot", source: L(0), key: S(0), target: 3 },
    { type: "Equal", a: L(3), b: S(1) },
    { type: "AssignVarOnce", source: B(true), target: 2 },
  ],
  ["user", "admin"],
);

describe("generateModule", () => {
  it("builds a module that the published SDK loads exactly as a user would (require)", async () => {
    const wasm = await compile(allowPolicy);
    const require = createRequire(import.meta.url);
    const { loadPolicy } = require("@open-policy-agent/opa-wasm") as {
      loadPolicy: (w: Uint8Array) => Promise<{ evaluate(i: unknown): unknown; entrypoints: unknown }>;
    };
    const policy = await loadPolicy(wasm);
    expect(policy.entrypoints).toEqual({ "t/p": 0 });
    expect(policy.evaluate({ user: "admin" })).toEqual([{ result: true }]);
    expect(policy.evaluate({ user: "bob" })).toEqual([]);
    expect(policy.evaluate(undefined)).toEqual([]);
  });

  it("exports the OPA ABI 1.2 surface and, of the linker's, only the built-in location and strict switch", async () => {
    const wasm = await compile(allowPolicy);
    const mod = new WebAssembly.Module(wasm);
    const names = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
    expect(names).toEqual([
      "builtins", "entrypoints", "eval", "opa_eval", "opa_eval_ctx_get_result", "opa_eval_ctx_new",
      "opa_eval_ctx_set_data", "opa_eval_ctx_set_entrypoint", "opa_eval_ctx_set_input", "opa_free",
      "opa_heap_ptr_get", "opa_heap_ptr_set", "opa_json_dump", "opa_json_parse", "opa_malloc",
      "opa_value_dump", "opa_value_parse", "opa_wasm_abi_minor_version", "opa_wasm_abi_version", "regent_loc",
      "regent_strict_builtin_errors",
    ]);
    const imports = WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`).sort();
    expect(imports).toEqual(["env.memory", "env.opa_abort"]);
    const p = await load(allowPolicy);
    const g = p.wasmInstance.exports as Record<string, WebAssembly.Global>;
    expect(g.opa_wasm_abi_version.value).toBe(1);
    expect(g.opa_wasm_abi_minor_version.value).toBeGreaterThanOrEqual(2);
  });

  it("evaluates the same on the fast and the slow path", async () => {
    const p = await load(allowPolicy);
    expect(both(p, { user: "admin" })).toEqual([{ result: true }]);
    expect(both(p, { user: "eve" })).toEqual([]);
    expect(both(p, { other: 1 })).toEqual([]);
  });

  it("lists entrypoints in plan order and dispatches to each", async () => {
    const policy: ir.Policy = {
      strings: ["one", "two"],
      funcs: [],
      plans: ["a/b/p", "a/q", "z"].map((name, i) => ({
        name,
        blocks: [{ stmts: [{ type: "MakeNumberInt", value: i * 10, target: 2 }, { type: "ResultSetAdd", value: 2 }] as ir.Stmt[] }],
      })),
    };
    const p = await load(policy);
    expect(p.entrypoints).toEqual({ "a/b/p": 0, "a/q": 1, z: 2 });
    expect(both(p, {}, "a/q")).toEqual([{ result: 10 }]);
    expect(both(p, {}, 2)).toEqual([{ result: 20 }]);
  });

  it("scans arrays, objects and sets in Rego order and collects a partial set", async () => {
    // p contains v if some v in input.xs ; plus the keys of input.obj
    const policy = planOnly(
      [
        { type: "MakeSet", target: 2 },
        { type: "Dot", source: L(0), key: S(0), target: 3 },
        { type: "Scan", source: 3, key: 4, value: 5, block: { stmts: [{ type: "SetAdd", set: 2, value: L(5) }] } },
        { type: "Dot", source: L(0), key: S(1), target: 6 },
        { type: "Scan", source: 6, key: 7, value: 8, block: { stmts: [{ type: "SetAdd", set: 2, value: L(7) }] } },
        { type: "ResultSetAdd", value: 2 },
      ],
      ["xs", "obj"],
    );
    const p = await load(policy);
    expect(both(p, { xs: [3, 1, 2, 1], obj: { b: 1, a: 2 } })).toEqual([{ result: [1, 2, 3, "a", "b"] }]);
    // Scanning a scalar does nothing and does not fail.
    expect(both(p, { xs: 7, obj: "s" })).toEqual([{ result: [] }]);
  });

  it("builds arrays in scan order (object keys sorted) with scan keys as indexes", async () => {
    const policy = planOnly(
      [
        { type: "MakeArray", capacity: 0, target: 2 },
        { type: "Scan", source: 0, key: 3, value: 4, block: { stmts: [
          { type: "MakeArray", capacity: 2, target: 5 },
          { type: "ArrayAppend", array: 5, value: L(3) },
          { type: "ArrayAppend", array: 5, value: L(4) },
          { type: "ArrayAppend", array: 2, value: L(5) },
        ] } },
        { type: "ResultSetAdd", value: 2 },
      ],
    );
    const p = await load(policy);
    expect(both(p, { z: 1, a: 2, m: 3 })).toEqual([{ result: [["a", 2], ["m", 3], ["z", 1]] }]);
    expect(both(p, ["x", "y"])).toEqual([{ result: [[0, "x"], [1, "y"]] }]);
  });

  it("Dot indexes arrays by number or canonical index string, objects by key, sets by member", async () => {
    const policy = planOnly([
      { type: "MakeArray", capacity: 0, target: 2 },
      { type: "Dot", source: L(0), key: S(0), target: 3 },
      ...["1", "01", "-1", "9", "x"].map((_, i) => ({ type: "Block", blocks: [{ stmts: [
        { type: "Dot", source: L(3), key: S(i + 1), target: 10 + i },
        { type: "ArrayAppend", array: 2, value: L(10 + i) },
      ] }] }) as ir.Stmt),
      { type: "MakeNumberInt", value: 2, target: 20 },
      { type: "Dot", source: L(3), key: L(20), target: 21 },
      { type: "ArrayAppend", array: 2, value: L(21) },
      { type: "Dot", source: L(0), key: S(6), target: 22 },
      { type: "Dot", source: L(22), key: S(7), target: 23 },
      { type: "ArrayAppend", array: 2, value: L(23) },
      { type: "ResultSetAdd", value: 2 },
    ], ["xs", "1", "01", "-1", "9", "x", "o", "k"]);
    const p = await load(policy);
    expect(both(p, { xs: ["a", "b", "c"], o: { k: "v" } })).toEqual([{ result: ["b", "c", "v"] }]);
  });

  it("Not succeeds when its block fails and fails when it completes", async () => {
    // p if not input.deny
    const p = await load(singleRule(
      [
        { type: "Not", block: { stmts: [{ type: "Dot", source: L(0), key: S(0), target: 3 }, { type: "Equal", a: L(3), b: B(true) }] } },
        { type: "AssignVarOnce", source: B(true), target: 2 },
      ],
      ["deny"],
    ));
    expect(both(p, { deny: true })).toEqual([]);
    expect(both(p, { deny: false })).toEqual([{ result: true }]);
    expect(both(p, {})).toEqual([{ result: true }]);
  });

  it("Block runs each block; Break leaves index + 1 blocks", async () => {
    // Block 1 breaks out of itself and the outer block (index 1), so the 2nd statement never runs.
    const policy = singleRule(
      [
        { type: "Block", blocks: [
          { stmts: [{ type: "MakeNumberInt", value: 1, target: 3 }, { type: "Break", index: 1 }] },
          { stmts: [{ type: "MakeNumberInt", value: 2, target: 3 }] },
        ] },
        { type: "MakeNumberInt", value: 99, target: 3 },
      ],
      [],
      [{ stmts: [{ type: "AssignVar", source: L(3), target: 2 }] }],
    );
    const p = await load(policy);
    expect(both(p, {})).toEqual([{ result: 1 }]);

    // A failing first block does not stop the second one.
    const p2 = await load(singleRule([
      { type: "Block", blocks: [
        { stmts: [{ type: "Equal", a: B(true), b: B(false) }, { type: "MakeNumberInt", value: 1, target: 2 }] },
        { stmts: [{ type: "MakeNumberInt", value: 2, target: 2 }] },
      ] },
    ]));
    expect(both(p2, {})).toEqual([{ result: 2 }]);
  });

  it("With replaces a value for its block and restores it afterwards, even across a Break", async () => {
    // r := input.a.b (with input.a.b as "x"), then s := input.a.b (restored)
    const policy = planOnly(
      [
        { type: "MakeObject", target: 2 },
        { type: "With", local: 0, path: [0, 1], value: S(2), block: { stmts: [
          { type: "Dot", source: L(0), key: S(0), target: 3 },
          { type: "Dot", source: L(3), key: S(1), target: 4 },
          { type: "ObjectInsert", object: 2, key: S(3), value: L(4) },
        ] } },
        { type: "Block", blocks: [{ stmts: [
          { type: "With", local: 0, path: [], value: S(2), block: { stmts: [{ type: "Break", index: 1 }] } },
        ] }] },
        { type: "Dot", source: L(0), key: S(0), target: 5 },
        { type: "Dot", source: L(5), key: S(1), target: 6 },
        { type: "ObjectInsert", object: 2, key: S(4), value: L(6) },
        { type: "ResultSetAdd", value: 2 },
      ],
      ["a", "b", "x", "inside", "after"],
    );
    const p = await load(policy);
    expect(both(p, { a: { b: "orig", c: 1 } })).toEqual([{ result: { after: "orig", inside: "x" } }]);
  });

  it("With on an undefined input creates the objects along the path", async () => {
    const policy = planOnly(
      [
        { type: "With", local: 0, path: [0], value: S(1), block: { stmts: [
          { type: "Dot", source: L(0), key: S(0), target: 3 },
          { type: "ResultSetAdd", value: 3 },
        ] } },
      ],
      ["user", "alice"],
    );
    const p = await load(policy);
    expect(p.evaluate(undefined)).toEqual([{ result: "alice" }]);
  });

  it("With fails when its block fails", async () => {
    const policy = singleRule(
      [
        { type: "With", local: 0, path: [0], value: S(1), block: { stmts: [{ type: "Equal", a: B(true), b: B(false) }] } },
        { type: "AssignVarOnce", source: B(true), target: 2 },
      ],
      ["user", "alice"],
    );
    expect(both(await load(policy), {})).toEqual([]);
  });

  it("AssignVarOnce raises eval_conflict_error with the location on two different values", async () => {
    // p := input.xs[_]
    const policy = singleRule([
      { type: "Scan", source: 0, key: 3, value: 4, block: { stmts: [
        { type: "AssignVarOnce", source: L(4), target: 2, loc: loc(3, 5) },
      ] } },
    ]);
    const p = await load(policy);
    expect(both(p, [1, 1])).toEqual([{ result: 1 }]);
    for (const slow of [false, true]) {
      p.minorVersion = slow ? 1 : 2;
      expect(thrown(() => p.evaluate([1, 2]))).toBe("eval_conflict_error: p.rego:3:5: complete rules must not produce multiple outputs");
    }
  });

  it("ObjectInsertOnce raises on a conflicting key and the message can be overridden", async () => {
    const policy = planOnly([
      { type: "MakeObject", target: 2 },
      { type: "Scan", source: 0, key: 3, value: 4, block: { stmts: [
        { type: "ObjectInsertOnce", object: 2, key: S(0), value: L(4), loc: loc(7, 2) },
      ] } },
      { type: "ResultSetAdd", value: 2 },
    ], ["k"]);
    const p = await load(policy);
    expect(both(p, [5, 5])).toEqual([{ result: { k: 5 } }]);
    expect(thrown(() => p.evaluate([5, 6]))).toBe("eval_conflict_error: p.rego:7:2: object keys must be unique");
  });

  it("Error statements abort with their code, location and message", async () => {
    const p = await load(planOnly([{ type: "Error", code: "eval_type_error", message: "boom", loc: loc(1, 2) }]));
    expect(thrown(() => p.evaluate({}))).toBe("eval_type_error: p.rego:1:2: boom");
    const q = await load(planOnly([{ type: "Error", code: "eval_builtin_error", message: "no loc" }]));
    expect(thrown(() => q.evaluate({}))).toBe("eval_builtin_error: no loc");
  });

  it("result sets hold each distinct result once, in order", async () => {
    const p = await load(planOnly([
      { type: "Scan", source: 0, key: 2, value: 3, block: { stmts: [{ type: "ResultSetAdd", value: 3 }] } },
    ]));
    expect(both(p, ["b", "a", "b"])).toEqual([{ result: "a" }, { result: "b" }]);
    expect(both(p, [])).toEqual([]);
  });

  it("calls planned functions with arguments and treats an undefined result as failure", async () => {
    const policy: ir.Policy = {
      strings: ["x"],
      funcs: [
        // f(a) := a if a != "x"
        { name: "g0.data.t.f", params: [0, 1, 2], result: 3, path: ["t", "f"], blocks: [{ stmts: [
          { type: "NotEqual", a: L(2), b: S(0) },
          { type: "AssignVarOnce", source: L(2), target: 3, message: "functions must not produce multiple outputs for same inputs" },
        ] }] },
      ],
      plans: [{ name: "t/p", blocks: [{ stmts: [
        { type: "MakeArray", capacity: 0, target: 2 },
        { type: "Scan", source: 0, key: 3, value: 4, block: { stmts: [
          { type: "Call", func: "g0.data.t.f", args: [L(0), L(1), L(4)], result: 5 },
          { type: "ArrayAppend", array: 2, value: L(5) },
        ] } },
        { type: "ResultSetAdd", value: 2 },
      ] }] }],
    };
    const p = await load(policy);
    expect(both(p, ["a", "x", "b"])).toEqual([{ result: ["a", "b"] }]);
  });

  it("routes host built-ins through opa_builtinN, lists them in builtins(), and converts set results", async () => {
    const table = {
      "custom.double": { name: "custom.double", arity: 1, impl: "host" },
      "custom.tags": { name: "custom.tags", arity: 2, impl: "host", returns: "set" },
      "custom.nothing": { name: "custom.nothing", arity: 0, impl: "host" },
    };
    const policy = planOnly([
      { type: "MakeObject", target: 2 },
      { type: "MakeNumberInt", value: 21, target: 3 },
      { type: "Call", func: "custom.double", args: [L(3)], result: 4 },
      { type: "ObjectInsert", object: 2, key: S(0), value: L(4) },
      { type: "Call", func: "custom.tags", args: [S(1), S(2)], result: 5 },
      { type: "ObjectInsert", object: 2, key: S(3), value: L(5) },
      { type: "Len", source: L(5), target: 6 },
      { type: "ObjectInsert", object: 2, key: S(4), value: L(6) },
      { type: "Block", blocks: [{ stmts: [
        { type: "Call", func: "custom.nothing", args: [], result: 7 },
        { type: "ObjectInsert", object: 2, key: S(5), value: L(7) },
      ] }] },
      { type: "ResultSetAdd", value: 2 },
    ], ["double", "b", "a", "tags", "n", "nothing"]);
    const wasm = await compile(policy, table);
    const mod = new WebAssembly.Module(wasm);
    expect(WebAssembly.Module.imports(mod).map((i) => i.name).sort()).toEqual(["memory", "opa_abort", "opa_builtin0", "opa_builtin1", "opa_builtin2"]);
    const custom = {
      "custom.double": (x: number) => x * 2,
      // Duplicates in the returned array collapse once it is a set again.
      "custom.tags": (a: string, b: string) => [a, b, a],
      "custom.nothing": () => undefined,
    };
    const p = await load(policy, { builtins: table, custom });
    expect(both(p, {})).toEqual([{ result: { double: 42, n: 2, tags: ["a", "b"] } }]);
    const builtins = JSON.parse(new TextDecoder().decode(dumpExport(p, "builtins")));
    expect(builtins).toEqual({ "custom.double": 0, "custom.tags": 1, "custom.nothing": 2 });
  });

  it("refuses a built-in nobody provides, naming it", async () => {
    const policy = planOnly([{ type: "Call", func: "no.such", args: [], result: 2, loc: loc(4, 1) }]);
    const err = await generateModule(policy, { builtins: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(RegentError);
    expect(err.code).toBe("wasm_builtin_error");
    expect(err.message).toContain("no.such");
    expect(err.location).toEqual({ file: "p.rego", row: 4, col: 1 });
    const declared = await generateModule(policy, { builtins: { "no.such": { name: "no.such", arity: 0, impl: "unsupported" } } }).catch((e) => e);
    expect(declared.code).toBe("wasm_builtin_error");
    const tooMany = planOnly([{ type: "Call", func: "h", args: [B(true), B(true), B(true), B(true), B(true)], result: 2 }]);
    const err5 = await generateModule(tooMany, { builtins: { h: { name: "h", arity: 5, impl: "host" } } }).catch((e) => e);
    expect(err5.code).toBe("wasm_builtin_error");
  });

  it("rejects malformed IR with wasm_ir_error instead of crashing", async () => {
    const cases: unknown[] = [
      {},
      { strings: [], funcs: [], plans: [] },
      planOnly([{ type: "Bogus" } as unknown as ir.Stmt]),
      planOnly([{ type: "Equal", a: S(5), b: S(0) }]),
      planOnly([{ type: "Break", index: 3 }]),
      planOnly([{ type: "Len", source: 5, target: 6 } as unknown as ir.Stmt]),
      planOnly([{ type: "AssignVar", source: L(-1), target: 6 }]),
      planOnly([null as unknown as ir.Stmt]),
      { strings: [], funcs: [{ name: "f" }], plans: [planCalling("t/p", "f")] },
      { strings: [], funcs: [], plans: [{ name: "t/p" }] },
      planOnly([{ type: "Call", func: "count", args: [], result: 2 }]),
      { strings: [], funcs: [], plans: [planCalling("t/p", "g0.missing.is.builtin.too")] },
      { strings: [], funcs: [{ name: "f", params: [0, 1], result: 2, path: [], blocks: [] }, { name: "f", params: [0, 1], result: 2, path: [], blocks: [] }], plans: [planCalling("t/p", "f")] },
    ];
    for (const c of cases) {
      const err = await generateModule(c as ir.Policy, { builtins: {} }).catch((e) => e);
      expect(err, JSON.stringify(c)).toBeInstanceOf(RegentError);
      expect(["wasm_ir_error", "wasm_builtin_error"]).toContain(err.code);
    }
  });

  it("grows memory for a large input and still evaluates", async () => {
    const p = await load(allowPolicy);
    const before = p.mem.buffer.byteLength;
    const input = { user: "admin", blob: "y".repeat(3 * 1024 * 1024), list: Array.from({ length: 20000 }, (_, i) => ({ i })) };
    expect(both(p, input)).toEqual([{ result: true }]);
    expect(p.mem.buffer.byteLength).toBeGreaterThan(before);
    expect(both(p, { user: "admin" })).toEqual([{ result: true }]);
  });

  it("keeps the heap flat over many evaluations (the arena resets)", async () => {
    const p = await load(allowPolicy);
    p.evaluate({ user: "admin", pad: "x".repeat(1000) });
    const before = p.mem.buffer.byteLength;
    for (let i = 0; i < 2000; i++) p.evaluate({ user: "admin", pad: "x".repeat(1000) });
    expect(p.mem.buffer.byteLength).toBe(before);
  });
});

function dumpExport(p: { wasmInstance: WebAssembly.Instance; mem: WebAssembly.Memory }, name: string): Uint8Array {
  const ex = p.wasmInstance.exports as Record<string, (...a: number[]) => number>;
  const addr = ex.opa_json_dump(ex[name]());
  const bytes = new Uint8Array(p.mem.buffer);
  let end = addr;
  while (bytes[end] !== 0) end++;
  return bytes.slice(addr, end);
}
