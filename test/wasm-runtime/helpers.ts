/**
 * Helpers for runtime tests: a minimal linked module (so the runtime runs under the real SDK)
 * and direct calls of its JSON exports for byte-exact checks.
 */
import type * as ir from "../../src/compiler/ir/ir.js";
import { L, load, planOnly, type SdkPolicy } from "../compiler/wasm/helpers.js";

/** `p := input` — the result echoes the input through parse and dump. */
export const identity: ir.Policy = planOnly([{ type: "IsDefined", source: 0 }, { type: "ResultSetAdd", value: 0 }]);

/** A policy computing `builtin(input[0], input[1], …)` for a native with `arity` operands. */
export function callPolicy(builtin: string, arity: number): ir.Policy {
  const stmts: ir.Stmt[] = [];
  const args: ir.Operand[] = [];
  for (let i = 0; i < arity; i++) {
    stmts.push({ type: "MakeNumberInt", value: i, target: 10 + i });
    stmts.push({ type: "Dot", source: L(0), key: L(10 + i), target: 20 + i });
    args.push(L(20 + i));
  }
  stmts.push({ type: "Call", func: builtin, args, result: 2, loc: { file: "t.rego", row: 1, col: 1 } });
  stmts.push({ type: "ResultSetAdd", value: 2 });
  return planOnly(stmts);
}

export async function runtimePolicy(policy: ir.Policy = identity): Promise<SdkPolicy> {
  return load(policy);
}

type Exports = Record<string, (...a: number[]) => number>;

/** Parses `text` with opa_json_parse and dumps it back with opa_json_dump; null when invalid. */
export function roundTrip(p: SdkPolicy, text: string | Uint8Array): string | null {
  const ex = p.wasmInstance.exports as unknown as Exports;
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const addr = ex.opa_malloc(bytes.length);
  new Uint8Array(p.mem.buffer).set(bytes, addr);
  const v = ex.opa_json_parse(addr, bytes.length);
  if (v === 0) return null;
  return cString(p, ex.opa_json_dump(v));
}

export function cString(p: SdkPolicy, addr: number): string {
  const mem = new Uint8Array(p.mem.buffer);
  let end = addr;
  while (mem[end] !== 0) end++;
  return new TextDecoder().decode(mem.subarray(addr, end));
}

/** Evaluates with the input given as exact JSON text (numbers JS cannot hold stay exact). */
export function evalText(p: SdkPolicy, inputJson: string): unknown {
  const buf = new TextEncoder().encode(inputJson);
  return p.evaluate(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}
