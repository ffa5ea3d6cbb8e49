/**
 * The compiler's public API: Rego sources in, an OPA Wasm ABI module out. Parsing, the stage
 * table (stages.ts) and the wasm backend run in order; every error is collected and thrown
 * together as `RegentErrors`, sorted by location and capped as OPA caps them.
 */
import { BUILTINS, HOST_BUILTINS, JSON_TEXT_BUILTINS, jsonTextAlias, type BuiltinDecl } from "../builtins/decls.js";
import type { Policy } from "./ir/ir.js";
import { annotatedEntrypoints, parseSources, planModules, type Capabilities, type SourceModule } from "./plan.js";
import { generateModule } from "./wasm/index.js";

export { annotatedEntrypoints, entrypointPath, parseSources, planModules, type Capabilities, type SourceModule } from "./plan.js";
export { prettyPolicy } from "./ir/pretty.js";
export type { Policy } from "./ir/ir.js";

export interface CompileOptions {
  modules: SourceModule[];
  /** Entrypoints as `pkg/rule` (OPA's form) or `data.pkg.rule`. */
  entrypoints: string[];
  /** Add the rules annotated `entrypoint: true` (METADATA) as entrypoints. Default true. */
  annotatedEntrypoints?: boolean;
  capabilities?: Capabilities;
  /** Refuse an entrypoint that names no rule or package, as `regent build` does. Default false. */
  requireEntrypointRules?: boolean;
}

export interface CompileResult {
  wasm: Uint8Array;
  /** Entrypoint name (`pkg/rule`) → id, as the module's `entrypoints()` returns them. */
  entrypoints: Record<string, number>;
  /** The host built-ins the module imports (what `builtins()` lists). */
  builtins: string[];
  policy: Policy;
}

/** The built-ins the backend may route calls to: the declarations plus the JSON-text aliases. */
const BACKEND_BUILTINS: Record<string, BuiltinDecl> = {
  ...BUILTINS,
  ...Object.fromEntries(JSON_TEXT_BUILTINS.map((n) => [jsonTextAlias(n), { ...BUILTINS[n]!, name: jsonTextAlias(n) }])),
};

export async function compile(options: CompileOptions): Promise<CompileResult> {
  const modules = parseSources(options.modules);
  const entrypoints = [...options.entrypoints];
  if (options.annotatedEntrypoints !== false) entrypoints.push(...annotatedEntrypoints(modules));
  const policy = planModules(modules, entrypoints, options);
  const wasm = await generateModule(policy, { builtins: BACKEND_BUILTINS });
  const used = new Set<string>();
  const walk = (stmts: Policy["funcs"][number]["blocks"][number]["stmts"]) => {
    for (const s of stmts) {
      if (s.type === "Call" && (HOST_BUILTINS.includes(s.func) || s.func.startsWith("regent:"))) used.add(s.func);
      if (s.type === "Block") s.blocks.forEach((b) => walk(b.stmts));
      if (s.type === "Scan" || s.type === "Not" || s.type === "With") walk(s.block.stmts);
    }
  };
  for (const f of [...policy.funcs, ...policy.plans]) f.blocks.forEach((b) => walk(b.stmts));
  const eps: Record<string, number> = {};
  policy.plans.forEach((p, i) => (eps[p.name] = i));
  return { wasm, entrypoints: eps, builtins: [...used].sort(), policy };
}
