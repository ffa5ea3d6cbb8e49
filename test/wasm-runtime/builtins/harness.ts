/**
 * Test harness for the native built-ins: builds one IR policy with a plan per case (each plan
 * constructs the case's operands as constants and calls the built-in), links it with the real
 * wasm backend and runtime, and evaluates every plan through @open-policy-agent/opa-wasm.
 */
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import type * as ir from "../../../src/compiler/ir/ir.js";
import { generateModule } from "../../../src/compiler/wasm/index.js";
import { LinkModule } from "../../../src/compiler/wasm/module.js";
import { readRuntime } from "../../../src/compiler/wasm/runtime.js";
import { BUILTINS } from "../../../src/builtins/decls.js";

/** A number given by its exact Rego text (e.g. `1.0`, `18446744073709551617`). */
export class Num {
  constructor(readonly text: string) {}
}
export const num = (text: string): Num => new Num(text);

/** Operand values: JS scalars, arrays, Sets, plain objects, Maps (for non-string keys), Num. */
export type Val = null | boolean | number | string | Num | Val[] | Set<Val> | Map<Val, Val> | { [k: string]: Val };

export interface Case {
  /** The built-in's Rego name. */
  fn: string;
  args: Val[];
  /** Pass the result through json.marshal, so that numbers keep every digit across the SDK. */
  marshal?: boolean;
}

/** What a call gave: a value, undefined (empty result set) or a run-time error message. */
export type Outcome = { value: unknown } | { undefined: true } | { error: string };

class PlanBuilder {
  readonly stmts: ir.Stmt[] = [];
  private next = 2;

  constructor(private readonly strings: string[]) {}

  local(): number {
    return this.next++;
  }

  str(s: string): ir.Operand {
    let i = this.strings.indexOf(s);
    if (i < 0) i = this.strings.push(s) - 1;
    return { type: "string", index: i };
  }

  /** Emits statements that build `v` and returns the operand holding it. */
  value(v: Val): ir.Operand {
    if (typeof v === "string") return this.str(v);
    if (typeof v === "boolean") return { type: "bool", value: v };
    const target = this.local();
    if (v === null) {
      this.stmts.push({ type: "MakeNull", target });
    } else if (typeof v === "number" || v instanceof Num) {
      const text = v instanceof Num ? v.text : JSON.stringify(v);
      const op = this.str(text);
      this.stmts.push({ type: "MakeNumberRef", index: (op as { index: number }).index, target });
    } else if (Array.isArray(v)) {
      this.stmts.push({ type: "MakeArray", capacity: v.length, target });
      for (const e of v) this.stmts.push({ type: "ArrayAppend", array: target, value: this.value(e) });
    } else if (v instanceof Set) {
      this.stmts.push({ type: "MakeSet", target });
      for (const e of v) this.stmts.push({ type: "SetAdd", set: target, value: this.value(e) });
    } else if (v instanceof Map) {
      this.stmts.push({ type: "MakeObject", target });
      for (const [k, e] of v) this.stmts.push({ type: "ObjectInsert", object: target, key: this.value(k), value: this.value(e) });
    } else {
      this.stmts.push({ type: "MakeObject", target });
      for (const [k, e] of Object.entries(v)) {
        this.stmts.push({ type: "ObjectInsert", object: target, key: this.str(k), value: this.value(e) });
      }
    }
    return { type: "local", local: target };
  }
}

/**
 * The runtime with OPA's strict built-in errors switched on: its `regent_strict_builtin_errors`
 * global patched to 1, as a linker option would patch it.
 */
function strictRuntime(): Uint8Array {
  const mod = new LinkModule(readRuntime());
  try {
    const g = mod.exportedGlobal("regent_strict_builtin_errors");
    if (!g) throw new Error("the runtime does not export regent_strict_builtin_errors");
    mod.patchGlobal(g, 1);
    return mod.emit();
  } finally {
    mod.dispose();
  }
}

/** Compiles one module for all cases and evaluates each; outcomes are in case order. */
export async function runCases(cases: Case[], opts: { strict?: boolean } = {}): Promise<Outcome[]> {
  const strings: string[] = [];
  const plans: ir.Plan[] = cases.map((c, i) => {
    const b = new PlanBuilder(strings);
    const args = c.args.map((a) => b.value(a));
    let result = b.local();
    b.stmts.push({ type: "Call", func: c.fn, args, result, loc: { file: "case.rego", row: i + 1, col: 1 } });
    if (c.marshal) {
      const text = b.local();
      b.stmts.push({ type: "Call", func: "json.marshal", args: [{ type: "local", local: result }], result: text });
      result = text;
    }
    b.stmts.push({ type: "ResultSetAdd", value: result });
    return { name: `case${i}`, blocks: [{ stmts: b.stmts }] };
  });
  const runtime = opts.strict ? strictRuntime() : undefined;
  const wasm = await generateModule({ strings, funcs: [], plans }, { builtins: BUILTINS, runtime });
  const policy = await loadPolicy(wasm);
  return cases.map((_, i) => {
    try {
      const rs = policy.evaluate(undefined, `case${i}`) as Array<{ result: unknown }>;
      return rs.length === 0 ? { undefined: true as const } : { value: rs[0].result };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  });
}

/** A table row: the call, and the value expected (`UNDEF` for undefined, `err(...)` for an error). */
export const UNDEF = Symbol("undefined");
export class Err {
  constructor(readonly text: string) {}
}
export const err = (text: string): Err => new Err(text);
/** The result's exact JSON text (for numbers beyond what a JS number holds). */
export class Exact {
  constructor(readonly json: string) {}
}
export const exact = (json: string): Exact => new Exact(json);
export type Row = [fn: string, args: Val[], want: unknown];

/**
 * Runs the rows and returns, for each, a readable mismatch or null. A row that wants an error is
 * checked twice, as OPA behaves: undefined by default, and the error with strict built-in errors on.
 */
export async function checkRows(rows: Row[], opts: { strict?: boolean } = {}): Promise<Array<string | null>> {
  const cases = rows.map(([fn, args, want]) => ({ fn, args, marshal: want instanceof Exact }));
  const outcomes = await runCases(cases, opts);
  const strictOutcomes = opts.strict ? outcomes : await runCases(cases, { strict: true });
  return rows.map(([fn, args, want], i) => {
    const got = outcomes[i];
    const label = `${fn}(${args.map(show).join(", ")})`;
    if (want === UNDEF) return "undefined" in got ? null : `${label}: want undefined, got ${JSON.stringify(got)}`;
    if (want instanceof Err) {
      if (!opts.strict && !("undefined" in got)) return `${label}: want undefined without strict built-in errors, got ${JSON.stringify(got)}`;
      const strictGot = strictOutcomes[i];
      return "error" in strictGot && strictGot.error.includes(want.text) ? null : `${label}: want error "${want.text}" with strict built-in errors, got ${JSON.stringify(strictGot)}`;
    }
    if (want instanceof Exact) {
      return "value" in got && got.value === want.json ? null : `${label}: want ${want.json}, got ${JSON.stringify(got)}`;
    }
    if (!("value" in got)) return `${label}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
    return JSON.stringify(got.value) === JSON.stringify(want) ? null : `${label}: want ${JSON.stringify(want)}, got ${JSON.stringify(got.value)}`;
  });
}

function show(v: Val): string {
  if (v instanceof Num) return v.text;
  if (v instanceof Set) return `{${[...v].map(show).join(", ")}}`;
  if (v instanceof Map) return `{${[...v].map(([k, e]) => `${show(k)}: ${show(e)}`).join(", ")}}`;
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (v !== null && typeof v === "object") return `{${Object.entries(v).map(([k, e]) => `${JSON.stringify(k)}: ${show(e)}`).join(", ")}}`;
  return JSON.stringify(v);
}
