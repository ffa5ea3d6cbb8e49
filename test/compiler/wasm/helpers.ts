/**
 * Shared helpers for the wasm backend and runtime tests: tiny IR builders and a compile-and-load
 * step through the real backend and the real `@open-policy-agent/opa-wasm` SDK.
 */
import { loadPolicy as sdkLoadPolicy } from "@open-policy-agent/opa-wasm";
import type * as ir from "../../../src/compiler/ir/ir.js";
import { generateModule, type BuiltinTable } from "../../../src/compiler/wasm/index.js";

export const L = (local: number): ir.Operand => ({ type: "local", local });
export const S = (index: number): ir.Operand => ({ type: "string", index });
export const B = (value: boolean): ir.Operand => ({ type: "bool", value });

export const loc = (row: number, col: number): ir.Loc => ({ file: "p.rego", row, col });

export interface SdkPolicy {
  entrypoints: Record<string, number>;
  minorVersion: number;
  wasmInstance: WebAssembly.Instance;
  mem: WebAssembly.Memory;
  evaluate(input?: unknown, entrypoint?: string | number): Array<{ result: unknown }>;
  setData(data: unknown): void;
}

/** A plan that calls `func` (taking input and data) and adds its result. */
export function planCalling(name: string, func: string): ir.Plan {
  return {
    name,
    blocks: [{ stmts: [
      { type: "Call", func, args: [L(0), L(1)], result: 2 },
      { type: "ResultSetAdd", value: 2 },
    ] }],
  };
}

/** A policy of one function `f` whose body is `stmts` and whose result is local 2. */
export function singleRule(stmts: ir.Stmt[], strings: string[] = [], extraBlocks: ir.Block[] = []): ir.Policy {
  return {
    strings,
    funcs: [{ name: "g0.data.t.p", params: [0, 1], result: 2, path: ["t", "p"], blocks: [{ stmts }, ...extraBlocks] }],
    plans: [planCalling("t/p", "g0.data.t.p")],
  };
}

/** A plan that runs `stmts` directly (input = local 0, data = local 1). */
export function planOnly(stmts: ir.Stmt[], strings: string[] = []): ir.Policy {
  return { strings, funcs: [], plans: [{ name: "t/p", blocks: [{ stmts }] }] };
}

export async function compile(policy: ir.Policy, builtins: BuiltinTable = {}): Promise<Uint8Array<ArrayBuffer>> {
  return generateModule(policy, { builtins });
}

export async function load(
  policy: ir.Policy,
  opts: { builtins?: BuiltinTable; custom?: Record<string, (...a: any[]) => unknown>; slow?: boolean } = {},
): Promise<SdkPolicy> {
  const wasm = await compile(policy, opts.builtins);
  const p = (await sdkLoadPolicy(wasm, undefined, opts.custom ?? {})) as unknown as SdkPolicy;
  if (opts.slow) p.minorVersion = 1;
  return p;
}

/** Evaluates on both the fast path (opa_eval) and the slow path (eval ctx) and checks they agree. */
export function both(p: SdkPolicy, input?: unknown, entrypoint: string | number = 0): unknown {
  p.minorVersion = 2;
  const fast = p.evaluate(input, entrypoint);
  p.minorVersion = 1;
  const slow = p.evaluate(input, entrypoint);
  p.minorVersion = 2;
  if (JSON.stringify(fast) !== JSON.stringify(slow)) {
    throw new Error(`fast path ${JSON.stringify(fast)} != slow path ${JSON.stringify(slow)}`);
  }
  return fast;
}

/** The thrown value of `fn` (the SDK throws abort messages as strings). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}
