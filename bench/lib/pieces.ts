/**
 * Finds the product pieces the benchmarks measure (compiler, evaluator, sidecar, identity, input
 * mapping, bundles) at run time. A missing or broken piece yields a reason to print as "skipped: ...",
 * so the suite runs at every stage of the project and never fakes a figure.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type Piece<T> = { ok: true; mod: T } | { ok: false; why: string };

/** Repository root (bench/lib/ -> ../../). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function repoPath(rel: string): string {
  return fileURLToPath(new URL(rel, new URL("../../", import.meta.url)));
}

/**
 * Imports `src/...` (given as its .ts path relative to the root) and checks that the named exports
 * are functions. The specifier is a variable on purpose: the bench depends on the documented contract,
 * not on the piece being present when it is typechecked.
 */
export async function piece<T>(tsRel: string, exportsNeeded: readonly string[]): Promise<Piece<T>> {
  const abs = repoPath(tsRel);
  if (!existsSync(abs)) return { ok: false, why: `${tsRel} is not there yet` };
  let mod: Record<string, unknown>;
  try {
    const spec = abs;
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    return { ok: false, why: `importing ${tsRel} failed: ${firstLine(err)}` };
  }
  const missing = exportsNeeded.filter((n) => typeof mod[n] !== "function");
  if (missing.length > 0) return { ok: false, why: `${tsRel} does not export ${missing.join(", ")}` };
  return { ok: true, mod: mod as T };
}

export function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0]!.slice(0, 300);
}

// The contracts, as the brief states them.
export interface CompileInput {
  modules: { path: string; source: string }[];
  entrypoints: string[];
}
export interface CompileOutput {
  wasm: Uint8Array;
  entrypoints: unknown;
  builtins: unknown;
}
export interface CompilerModule {
  compile(input: CompileInput): CompileOutput | Promise<CompileOutput>;
}
export interface LoadedPolicyLike {
  evaluate(input: unknown, entrypoint?: string | number): unknown;
}
export interface EvaluatorModule {
  loadPolicy(wasm: Uint8Array, ...rest: unknown[]): LoadedPolicyLike | Promise<LoadedPolicyLike>;
}

export const compilerPiece = (): Promise<Piece<CompilerModule>> => piece<CompilerModule>("src/compiler/index.ts", ["compile"]);
export const evaluatorPiece = (): Promise<Piece<EvaluatorModule>> => piece<EvaluatorModule>("src/evaluator/index.ts", ["loadPolicy"]);
