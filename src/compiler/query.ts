/**
 * Turns an ad-hoc query (`data.a.p = x; x > 1`) into a module with one entrypoint, so that
 * `regent eval` and the conformance harness run queries through the same compiled wasm path as
 * policies. The entrypoint's value is the set of bindings, one object per solution.
 */
import { parseQuery } from "../rego/index.js";
import { collectVarsDeep } from "./rewrite/vars.js";

export const QUERY_PACKAGE = "__regent_query__";
export const QUERY_ENTRYPOINT = `${QUERY_PACKAGE}/results`;

export interface QueryModule {
  /** The module's source text. */
  source: string;
  /** The entrypoint whose value is the set of binding objects. */
  entrypoint: string;
  /** The query's output variables, in order of appearance. */
  vars: string[];
}

/** A query that is only a data reference (`data.a.b`) can be its own entrypoint. */
export function refQueryEntrypoint(query: string): string | null {
  const m = /^\s*data((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$/.exec(query);
  return m ? m[1]!.split(".").filter(Boolean).join("/") : null;
}

/** `data.a.b.p = x` (one rule, one output var): the rule's path and the var. */
export function ruleQuery(query: string): { entrypoint: string; variable: string } | null {
  const m = /^\s*data((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*=\s*([A-Za-z][A-Za-z0-9_]*)\s*$/.exec(query);
  if (!m || m[2] === "input" || m[2] === "data") return null;
  return { entrypoint: m[1]!.split(".").filter(Boolean).join("/"), variable: m[2]! };
}

/** Throws `RegentErrors` when the query does not parse. */
export function queryModule(query: string): QueryModule {
  const body = parseQuery(query, "query");
  const seen = new Set<string>();
  collectVarsDeep(body, seen);
  const vars = [...seen].filter((v) => !v.startsWith("_") && v !== "input" && v !== "data");
  const binding = `{${vars.map((v) => `${JSON.stringify(v)}: ${v}`).join(", ")}}`;
  const source = `package ${QUERY_PACKAGE}\n\nresults contains ${binding} if {\n${query}\n}\n`;
  return { source, entrypoint: QUERY_ENTRYPOINT, vars };
}
