/**
 * The front half of the compiler as pure functions: sources → AST → stages → IR. `compile()`
 * (index.ts) adds the wasm backend; tests and `regent build --dump-ir` stop here.
 */
import { RegentErrors, type RegentError } from "../errors.js";
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

/** Every rule that is not a function, as an entrypoint (`pkg/rule`, the ground part of its head). */
export function ruleEntrypoints(modules: Module[]): string[] {
  const out = new Set<string>();
  for (const m of modules) {
    for (const r of m.rules) {
      if (r.head.args !== null) continue;
      const parts = [...m.package.path];
      for (const [i, t] of r.head.ref.entries()) {
        if (i === 0 && t.type === "var") parts.push(t.name);
        else if (t.type === "string") parts.push(t.value);
        else break;
      }
      out.add(parts.join("/"));
    }
  }
  return [...out];
}

/**
 * Every compile error of the modules (the stages up to planning, every rule planned, no wasm):
 * what `regent check` reports beyond parse errors. Empty when they compile.
 */
export function checkModules(modules: Module[]): RegentError[] {
  const entrypoints = ruleEntrypoints(modules);
  if (entrypoints.length === 0) return [];
  try {
    planModules(modules, entrypoints);
    return [];
  } catch (err) {
    if (err instanceof RegentErrors) return err.errors;
    throw err;
  }
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

