// A differential fuzzer of the shapes where regent once allowed what OPA does not: generated
// policies and inputs (every over each JSON type, reassignment, else chains, sets inside built-in
// operands) compiled by regent and run in the opa-wasm SDK, checked against the properties OPA
// guarantees, computed independently here in TypeScript. Deterministic: a fixed seed.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/index.js";
import { loadPolicy, type LoadedPolicy } from "../../src/evaluator/index.js";
import { compileErrors } from "./helpers.js";
import { rng } from "../support/rng.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function genJson(r: () => number, depth = 0): Json {
  const k = Math.floor(r() * (depth > 2 ? 4 : 6));
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 7) - 3;
    case 3: return ["", "a", "b", "banned", "x"][Math.floor(r() * 5)]!;
    case 4: return Array.from({ length: Math.floor(r() * 4) }, () => genJson(r, depth + 1));
    default: {
      const o: Record<string, Json> = {};
      for (let i = Math.floor(r() * 4); i > 0; i--) o[["a", "b", "c", "k"][Math.floor(r() * 4)]!] = genJson(r, depth + 1);
      return o;
    }
  }
}

const load = async (source: string, entrypoints: string[]): Promise<LoadedPolicy> =>
  loadPolicy((await compile({ modules: [{ path: "f.rego", source }], entrypoints })).wasm);

const value = (p: LoadedPolicy, input: unknown, ep: string): unknown => {
  const rs = p.evaluate(input, ep);
  return rs.length === 0 ? undefined : rs[0]!.result;
};

describe("differential fuzz: every over any JSON value", () => {
  it("is defined only over collections, and then true exactly when every element passes", async () => {
    const p = await load(`package f\nok if every r in input.roles { r != "banned" }\nkv if every k, v in input.roles { k != "k"; v != "banned" }\n`, ["f/ok", "f/kv"]);
    const r = rng(19);
    let collections = 0;
    for (let i = 0; i < 600; i++) {
      const roles = genJson(r);
      const input = r() < 0.05 ? {} : { roles };
      const isCollection = "roles" in input && roles !== null && typeof roles === "object";
      const elems = isCollection ? (Array.isArray(roles) ? roles.map((v, j) => [j, v] as const) : Object.entries(roles as object)) : [];
      const want = isCollection && elems.every(([, v]) => v !== "banned") ? true : undefined;
      const wantKv = isCollection && elems.every(([k, v]) => k !== "k" && v !== "banned") ? true : undefined;
      if (isCollection) collections++;
      expect(value(p, input, "f/ok"), JSON.stringify(input)).toBe(want);
      expect(value(p, input, "f/kv"), JSON.stringify(input)).toBe(wantKv);
    }
    expect(collections).toBeGreaterThan(100);
  });
});

describe("differential fuzz: a name declared twice in one scope never compiles", () => {
  it("refuses every generated redeclaration, and accepts the same bodies with distinct names", async () => {
    const r = rng(7);
    const decl = ["X := input.a", "some X", "X := 1", "some X in input.xs", "[X, _] := [1, 2]"];
    const ref = ["X == 1", "X = input.b", "count([X]) == 1"];
    for (let i = 0; i < 40; i++) {
      const first = r() < 0.3 ? ref[Math.floor(r() * ref.length)]! : decl[Math.floor(r() * decl.length)]!;
      const second = decl.filter((d) => d !== "some X" || !first.startsWith("some X"))[Math.floor(r() * 4)]!;
      const body = `${first.replaceAll("X", "v")}; ${second.replaceAll("X", "v")}`;
      const errs = await compileErrors(`package test\n\nallow if { ${body} }\n`, "test/allow");
      expect(errs.join("\n"), body).toMatch(/rego_compile_error: (var v (assigned|declared|referenced) above)/);
      // The same two expressions on different names compile (or fail only for safety, never redeclaration).
      const distinct = await compileErrors(`package test\n\nallow if { ${first.replaceAll("X", "v")}; ${second.replaceAll("X", "w")} }\n`, "test/allow");
      expect(distinct.join("\n"), body).not.toMatch(/above/);
    }
  });
});

describe("differential fuzz: else chains take the first branch whose body holds", () => {
  it("agrees with a TypeScript reading of the chain", async () => {
    const r = rng(3);
    for (let i = 0; i < 12; i++) {
      const n = 2 + Math.floor(r() * 3);
      const conds = Array.from({ length: n }, () => Math.floor(r() * 5));
      const rule = conds.map((c, j) => `${j === 0 ? "p :=" : "else :="} ${j} if { input.x == ${c} }`).join(" ") + ` else := ${n}`;
      const p = await load(`package f\n${rule}\nq.r := 1 if { input.x == ${conds[0]} } else := 2\n`, ["f/p", "f/q/r"]);
      for (let x = 0; x < 5; x++) {
        const hit = conds.findIndex((c) => c === x);
        expect(value(p, { x }, "f/p"), `${rule} with x=${x}`).toBe(hit < 0 ? n : hit);
        expect(value(p, { x }, "f/q/r")).toBe(x === conds[0] ? 1 : 2);
      }
    }
  });
});

describe("differential fuzz: sets inside built-in operands stay sets", () => {
  /** OPA's walk: [path, value] pre-order, object keys sorted, a set member is its own path key. */
  function walk(v: unknown, path: unknown[], out: unknown[][]): void {
    out.push([path, v]);
    if (v instanceof Set) for (const e of [...v].sort()) walk(e, [...path, e], out);
    else if (Array.isArray(v)) v.forEach((e, i) => walk(e, [...path, i], out));
    else if (v && typeof v === "object") for (const k of Object.keys(v).sort()) walk((v as Record<string, unknown>)[k], [...path, k], out);
  }
  const toRego = (v: unknown): string =>
    v instanceof Set
      ? v.size === 0 ? "set()" : `{${[...v].map(toRego).join(", ")}}`
      : Array.isArray(v) ? `[${v.map(toRego).join(", ")}]`
      : v && typeof v === "object" ? `{${Object.entries(v).map(([k, e]) => `${JSON.stringify(k)}: ${toRego(e)}`).join(", ")}}`
      : JSON.stringify(v);
  const toJson = (v: unknown): unknown =>
    v instanceof Set ? [...v].sort().map(toJson) : Array.isArray(v) ? v.map(toJson)
      : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, e]) => [k, toJson(e)])) : v;

  it("walk reaches set members by their own value, and object.subset compares sets as sets", async () => {
    const r = rng(11);
    for (let i = 0; i < 8; i++) {
      const members = [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => ["a", "b", "c", "d"][Math.floor(r() * 4)]!))];
      const doc = { k: new Set(members), n: [members.length] };
      const sub = new Set(members.slice(0, Math.max(1, Math.floor(members.length / 2))));
      const p = await load(
        `package f\nw := [[p, v] | walk(${toRego(doc)}, [p, v])]\ns := object.subset(${toRego({ k: doc.k })}, ${toRego({ k: sub })})\nt := object.subset(${toRego({ k: sub })}, {"k": {"zz"}})\n`,
        ["f/w", "f/s", "f/t"],
      );
      const want: unknown[][] = [];
      walk(doc, [], want);
      expect(value(p, undefined, "f/w")).toEqual(toJson(want));
      expect(value(p, undefined, "f/s")).toBe(true);
      expect(value(p, undefined, "f/t")).toBe(false);
    }
  });
});
