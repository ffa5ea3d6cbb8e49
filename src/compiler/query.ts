/**
 * Turns an ad-hoc query (`data.a.p = x; x > 1`) into a module with one entrypoint, so that
 * `regent eval` and the conformance harness run queries through the same compiled wasm path as
 * policies. The entrypoint's value is the set of bindings, one object per solution.
 */
import { parseQuery } from "../rego/index.js";
import type { Expr } from "../rego/ast.js";
import { collectVarsDeep, isOp } from "./rewrite/vars.js";

export const QUERY_PACKAGE = "__regent_query__";
export const QUERY_ENTRYPOINT = `${QUERY_PACKAGE}/results`;

export interface QueryModule {
  /** The module's source text. */
  source: string;
  /** The entrypoint whose value is the set of binding objects. */
  entrypoint: string;
  /** The query's output variables, in order of appearance. */
  vars: string[];
  /**
   * For each expression of the query, whether its value is captured: a term or call that is not a
   * unification, assignment or negation has a value of its own (`input.user`, `1 + 1`, `count(x)`),
   * found under EXPRESSION_VALUES in each binding object; the others are `true` when they hold.
   */
  captured: boolean[];
}

/** The key of each solution's object that holds the captured expression values, in query order. */
export const EXPRESSION_VALUES = "__regent_expression_values__";

/** Whether an expression has a value of its own that `opa eval` prints (rather than `true`). */
function hasOwnValue(e: Expr): boolean {
  if (e.negated || e.with.length > 0 || e.expr.type !== "term") return false;
  const t = e.expr.term;
  return !(t.type === "call" && (isOp(t, "eq") || isOp(t, "assign")));
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
  const captured = body.map(hasOwnValue);
  // A captured expression becomes `__regent_vN := (expr)` and still has to hold: its value may not be false.
  const lines = body.map((e, i) => {
    const text = query.slice(e.loc.offset, e.loc.end);
    return captured[i] ? `__regent_v${i} := (${text})\n__regent_v${i} != false` : text;
  });
  const values = `[${captured.flatMap((c, i) => (c ? [`__regent_v${i}`] : [])).join(", ")}]`;
  const fields = [...vars.map((v) => `${JSON.stringify(v)}: ${v}`), `${JSON.stringify(EXPRESSION_VALUES)}: ${values}`];
  const source = `package ${QUERY_PACKAGE}\n\nresults contains {${fields.join(", ")}} if {\n${lines.join("\n")}\n}\n`;
  return { source, entrypoint: QUERY_ENTRYPOINT, vars, captured };
}
