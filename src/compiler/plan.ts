/**
 * The front half of the compiler as pure functions: sources → AST → stages → IR. `compile()`
 * (index.ts) adds the wasm backend; tests and `regent build --dump-ir` stop here.
 */
import { RegentErrors } from "../errors.js";
import { parseModule } from "../rego/index.js";
import type { Module } from "../rego/ast.js";
import type { Policy } from "./ir/ir.js";
import { ErrorList, MAX_ERRORS, COMPILE_ERROR } from "./errors.js";
import { runStages, type Compilation } from "./stages.js";
import { splitHeadRef } from "./resolve/tree.js";

export interface SourceModule {
  path: string;
  source: string;
}

export interface Capabilities {
  /** The host built-ins available where the module will run; default: all that regent provides. */
  builtins?: string[];
}

/** Parses the sources; throws every parse error at once. */
export function parseSources(modules: SourceModule[]): Module[] {
  const errors = [];
  const parsed: Module[] = [];
  for (const m of modules) {
    const r = parseModule(m.source, m.path);
    errors.push(...r.errors);
    if (r.module) parsed.push(r.module);
  }
  if (errors.length > 0) throw new RegentErrors(errors);
  return parsed;
}

/** `a/b/p`, `data.a.b.p` or `a.b.p` → ["a","b","p"]. */
export function entrypointPath(ep: string): string[] {
  const s = ep.startsWith("data.") ? ep.slice(5) : ep === "data" ? "" : ep;
  const parts = s.includes("/") ? s.split("/") : s.split(".");
  return parts.filter((p) => p.length > 0);
}

/** The entrypoints declared by METADATA `entrypoint: true` annotations. */
export function annotatedEntrypoints(modules: Module[]): string[] {
  const out: string[] = [];
  for (const m of modules) {
    if (m.annotations.some((a) => a.entrypoint)) out.push(m.package.path.join("/"));
    for (const r of m.rules) {
      if (r.annotations.some((a) => a.entrypoint)) out.push([...m.package.path, ...splitHeadRef(r.head.ref).prefix].join("/"));
    }
  }
  return out;
}

/** Runs the front end and the stages up to the IR. */
export function planModules(modules: Module[], entrypoints: string[], options: { capabilities?: Capabilities; requireEntrypointRules?: boolean } = {}): Policy {
  const errors = new ErrorList();
  const names = [...new Set(entrypoints.map((e) => entrypointPath(e).join("/")))];
  if (names.length === 0) errors.add(COMPILE_ERROR, "no entrypoints: give at least one (e.g. -e envoy/authz/allow)", undefined);
  const c: Compilation = {
    modules,
    entrypoints: names.map((n) => (n === "" ? [] : n.split("/"))),
    options: {
      hostBuiltins: options.capabilities?.builtins ? new Set(options.capabilities.builtins) : undefined,
      requireEntrypointRules: options.requireEntrypointRules,
    },
    errors,
  };
  if (errors.length === 0) runStages(c);
  if (errors.length > 0) throw new RegentErrors(errors.errors.slice(0, MAX_ERRORS));
  return c.policy!;
}

