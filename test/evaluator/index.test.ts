/**
 * The policy loader: real modules from the backend, loaded through the SDK by src/evaluator,
 * with every failure surfacing as a RegentError carrying OPA's code.
 */
import { describe, expect, it } from "vitest";
import type * as ir from "../../src/compiler/ir/ir.js";
import { loadPolicy } from "../../src/evaluator/index.js";
import { RegentError } from "../../src/errors.js";
import { B, L, S, compile, loc, planOnly } from "../compiler/wasm/helpers.js";

const echo: ir.Policy = planOnly([{ type: "IsDefined", source: 0 }, { type: "ResultSetAdd", value: 0 }]);

function caught(fn: () => unknown): RegentError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RegentError);
    return e as RegentError;
  }
  throw new Error("expected an error");
}

describe("loadPolicy", () => {
  it("evaluates by entrypoint name or id and lists the entrypoints", async () => {
    const policy = await loadPolicy(await compile(echo));
    expect(policy.entrypoints).toEqual({ "t/p": 0 });
    expect(policy.evaluate({ a: 1 }, "t/p")).toEqual([{ result: { a: 1 } }]);
    expect(policy.evaluate({ a: 1 })).toEqual([{ result: { a: 1 } }]);
    expect(policy.evaluate(undefined)).toEqual([]);
  });

  it("keeps falsy inputs (null, false, 0, \"\") defined on the fast path", async () => {
    const policy = await loadPolicy(await compile(echo));
    for (const v of [null, false, 0, ""]) expect(policy.evaluate(v)).toEqual([{ result: v }]);
  });

  it("turns aborts into RegentErrors with code and location", async () => {
    const conflict = planOnly([
      { type: "Scan", source: 0, key: 2, value: 3, block: { stmts: [{ type: "AssignVarOnce", source: L(3), target: 4, loc: loc(9, 3) }] } },
    ]);
    const policy = await loadPolicy(await compile(conflict));
    const err = caught(() => policy.evaluate([1, 2]));
    expect(err.code).toBe("eval_conflict_error");
    expect(err.message).toBe("complete rules must not produce multiple outputs");
    expect(err.location).toEqual({ file: "p.rego", row: 9, col: 3 });

    const typeErr = planOnly([{ type: "Call", func: "count", args: [B(true)], result: 2, loc: loc(2, 4) }]);
    // A type error is undefined by default, as in OPA, and an error with strict built-in errors.
    expect((await loadPolicy(await compile(typeErr))).evaluate({})).toEqual([]);
    const p2 = await loadPolicy(await compile(typeErr), { strictBuiltinErrors: true });
    const e2 = caught(() => p2.evaluate({}));
    expect(e2.code).toBe("eval_type_error");
    expect(e2.message).toBe("count: operand 1 must be one of {array, object, set, string} but got boolean");
    expect(e2.location).toEqual({ file: "p.rego", row: 2, col: 4 });
  });

  it("passes host built-ins (default or given) and surfaces their RegentErrors unchanged", async () => {
    const table = { "x.fail": { name: "x.fail", arity: 1, impl: "host" }, "x.ok": { name: "x.ok", arity: 1, impl: "host" } };
    const policy = planOnly([
      { type: "Dot", source: L(0), key: S(0), target: 2 },
      { type: "Call", func: "x.ok", args: [L(2)], result: 3 },
      { type: "Call", func: "x.fail", args: [L(3)], result: 4, loc: loc(6, 9) },
      { type: "ResultSetAdd", value: 4 },
    ], ["v"]);
    const loaded = await loadPolicy(await compile(policy, table), {
      builtins: {
        "x.ok": (v: string) => `${v}!`,
        "x.fail": (v: string) => {
          if (v === "boom!") throw new RegentError("eval_builtin_error", "x.fail: boom");
          if (v === "js!") throw new Error("plain js failure");
          return v;
        },
      },
    });
    expect(loaded.evaluate({ v: "hi" })).toEqual([{ result: "hi!" }]);
    const e = caught(() => loaded.evaluate({ v: "boom" }));
    expect(e.code).toBe("eval_builtin_error");
    expect(e.message).toBe("x.fail: boom");
    // The module records where the host built-in was called.
    expect(e.location).toEqual({ file: "p.rego", row: 6, col: 9 });
    expect(caught(() => loaded.evaluate({ v: "js" })).code).toBe("evaluator_internal_error");
  });

  it("reports a missing host built-in as an error, not a crash", async () => {
    const table = { "x.none": { name: "x.none", arity: 0, impl: "host" } };
    const loaded = await loadPolicy(await compile(planOnly([{ type: "Call", func: "x.none", args: [], result: 2 }, { type: "ResultSetAdd", value: 2 }]), table), { builtins: {} });
    const e = caught(() => loaded.evaluate({}));
    expect(e.message).toContain("x.none");
  });

  it("reports unknown entrypoints, bad input and bad data as RegentErrors", async () => {
    const policy = await loadPolicy(await compile(echo));
    expect(caught(() => policy.evaluate({}, "no/such")).code).toBe("evaluator_entrypoint_error");
    expect(caught(() => policy.evaluate({}, 7)).code).toBe("evaluator_entrypoint_error");
    expect(caught(() => policy.evaluate({ big: 1n })).code).toBe("evaluator_input_error");
    const bad = new TextEncoder().encode("{not json").buffer;
    expect(caught(() => policy.evaluate(bad)).code).toBe("evaluator_input_error");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(caught(() => policy.setData(cyclic)).code).toBe("evaluator_data_error");
    expect(caught(() => policy.setData(new TextEncoder().encode("[1,").buffer)).code).toBe("evaluator_data_error");
    // Still usable afterwards.
    expect(policy.evaluate({ ok: true })).toEqual([{ result: { ok: true } }]);
  });

  it("raises natives' non-type failures only with strictBuiltinErrors", async () => {
    const decode = planOnly([
      { type: "Dot", source: L(0), key: S(0), target: 2 },
      { type: "Call", func: "base64.decode", args: [L(2)], result: 3, loc: loc(5, 1) },
      { type: "ResultSetAdd", value: 3 },
    ], ["s"]);
    const wasm = await compile(decode, { "base64.decode": { name: "base64.decode", arity: 1, impl: "native" } });
    const lax = await loadPolicy(wasm);
    expect(lax.evaluate({ s: "aGk=" })).toEqual([{ result: "hi" }]);
    expect(lax.evaluate({ s: "%%%" })).toEqual([]);
    const strict = await loadPolicy(wasm, { strictBuiltinErrors: true });
    const e = caught(() => strict.evaluate({ s: "%%%" }));
    expect(e.code).toBe("eval_builtin_error");
    expect(e.message).toContain("base64.decode");
    expect(e.location).toEqual({ file: "p.rego", row: 5, col: 1 });
  });

  it("reads data set with setData", async () => {
    const readData = planOnly([{ type: "Dot", source: L(1), key: S(0), target: 2 }, { type: "ResultSetAdd", value: 2 }], ["roles"]);
    const policy = await loadPolicy(await compile(readData));
    expect(policy.evaluate({})).toEqual([]);
    policy.setData({ roles: { alice: ["admin"] } });
    expect(policy.evaluate({})).toEqual([{ result: { alice: ["admin"] } }]);
    // Evaluations do not disturb the data (the arena resets after it).
    for (let i = 0; i < 100; i++) policy.evaluate({ pad: "x".repeat(100) });
    expect(policy.evaluate({})).toEqual([{ result: { alice: ["admin"] } }]);
  });

  it("refuses bytes that are not a policy module", async () => {
    const err = await loadPolicy(new Uint8Array([0, 97, 115, 109, 9, 9])).catch((e) => e);
    expect(err).toBeInstanceOf(RegentError);
    expect(err.code).toBe("evaluator_load_error");
  });
});
