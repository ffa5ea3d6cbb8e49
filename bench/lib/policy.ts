/**
 * Compiles a benchmark policy with regent's compiler and loads it with regent's evaluator (the
 * published @open-policy-agent/opa-wasm SDK plus host built-ins), checking the decision before anything is timed.
 */
import { readFileSync } from "node:fs";
import { RegentError } from "../../src/errors.js";
import { BENCH_ERRORS } from "../errors.js";
import { compilerPiece, evaluatorPiece, firstLine, type LoadedPolicyLike, repoPath } from "./pieces.js";

export interface ReadyPolicy {
  policy: LoadedPolicyLike;
  wasm: Uint8Array;
  entrypoint: string;
  compileMs: number;
  /** The decision of the entrypoint for `input`: the first result's value, undefined if the set is empty. */
  decide(input: unknown): unknown;
}

export type Ready = { ok: true; ready: ReadyPolicy } | { ok: false; why: string };

export function readPolicy(rel: string): { path: string; source: string } {
  return { path: rel, source: readFileSync(repoPath(rel), "utf8") };
}

export async function compileAndLoad(modules: { path: string; source: string }[], entrypoint: string, data?: unknown): Promise<Ready> {
  const compiler = await compilerPiece();
  if (!compiler.ok) return { ok: false, why: `compiler: ${compiler.why}` };
  const evaluator = await evaluatorPiece();
  if (!evaluator.ok) return { ok: false, why: `evaluator: ${evaluator.why}` };
  let wasm: Uint8Array;
  const t0 = process.hrtime.bigint();
  try {
    wasm = (await compiler.mod.compile({ modules, entrypoints: [entrypoint] })).wasm;
  } catch (err) {
    return { ok: false, why: `compile failed: ${describe(err)}` };
  }
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let policy: LoadedPolicyLike;
  try {
    policy = await evaluator.mod.loadPolicy(wasm);
  } catch (err) {
    return { ok: false, why: `loadPolicy failed: ${describe(err)}` };
  }
  if (data !== undefined) {
    const setData = (policy as { setData?: (d: unknown) => void }).setData;
    if (typeof setData !== "function") return { ok: false, why: "the evaluator's loaded policy has no setData" };
    try {
      setData.call(policy, data);
    } catch (err) {
      return { ok: false, why: `setData failed: ${describe(err)}` };
    }
  }
  const decide = (input: unknown): unknown => firstResult(policy.evaluate(input, entrypoint));
  return { ok: true, ready: { policy, wasm, entrypoint, compileMs, decide } };
}

export function firstResult(rs: unknown): unknown {
  if (!Array.isArray(rs) || rs.length === 0) return undefined;
  const first = rs[0] as { result?: unknown };
  return first.result;
}

/** Fails the suite when the two sides of a comparison disagree: timing different decisions means nothing. */
export function assertSameDecision(what: string, cases: { label: string; input: unknown }[], a: (i: unknown) => unknown, b: (i: unknown) => unknown): void {
  for (const c of cases) {
    let da: unknown;
    try {
      da = a(c.input);
    } catch (err) {
      throw new RegentError(BENCH_ERRORS.mismatch, `${what}: the policy failed on "${c.label}": ${describe(err)}`);
    }
    const db = b(c.input);
    if (canonical(da) !== canonical(db)) {
      throw new RegentError(BENCH_ERRORS.mismatch, `${what}: on "${c.label}" the compiled policy and the reference differ: ${difference(da, db)}`);
    }
  }
}

/** The first few top-level fields that differ, as `key: policy vs reference`. */
export function difference(a: unknown, b: unknown): string {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const clip = (s: string): string => (s.length > 80 ? `${s.slice(0, 79)}…` : s);
  if (!isObj(a) || !isObj(b)) return `${clip(canonical(a))} vs ${clip(canonical(b))}`;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const diffs = keys.filter((k) => canonical(a[k]) !== canonical(b[k])).map((k) => `${k}: ${clip(canonical(a[k]))} vs ${clip(canonical(b[k]))}`);
  return diffs.slice(0, 4).join("; ") + (diffs.length > 4 ? `; and ${diffs.length - 4} more` : "");
}

/** JSON with object keys sorted, so two equal decisions compare equal whatever their key order. */
export function canonical(v: unknown): string {
  if (v === undefined) return "undefined";
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

export function describe(err: unknown): string {
  if (err instanceof RegentError) return err.toString();
  if (err && typeof err === "object" && "errors" in err && Array.isArray((err as { errors: unknown[] }).errors)) {
    return (err as { errors: unknown[] }).errors.slice(0, 3).map((e) => String(e)).join("; ");
  }
  return firstLine(err);
}
