/**
 * CheckRootDocumentOverrides (OPA's checkRootDocumentOverrides, always on for Rego v1): no rule,
 * function argument or assigned variable may be named `input` or `data`, since each would hide
 * the document every policy reads.
 */
import type { Module, Rule, Term } from "../../rego/ast.js";
import { COMPILE_ERROR, type ErrorList } from "../errors.js";
import { isOp } from "../rewrite/vars.js";
import { walkRule } from "../ast/walk.js";

const ROOTS = new Set(["input", "data"]);

/** `input` or `data` as a term: a var, or the one-term ref the parser makes of a root document. */
function rootName(t: Term | undefined): string | undefined {
  if (t?.type === "var") return ROOTS.has(t.name) ? t.name : undefined;
  if (t?.type === "ref" && t.terms.length === 1) return rootName(t.terms[0]);
  return undefined;
}

export function checkRootDocumentOverrides(modules: Module[], errors: ErrorList): void {
  for (const m of modules) {
    for (const rule of m.rules) {
      for (let r: Rule | null = rule; r; r = r.else) checkRule(r, errors);
    }
  }
}

function checkRule(rule: Rule, errors: ErrorList): void {
  const head = rootName(rule.head.ref[0]);
  if (head) errors.add(COMPILE_ERROR, `rules must not shadow ${head} (use a different rule name)`, rule.loc);
  for (const arg of rule.head.args ?? []) {
    const name = rootName(arg);
    if (name) errors.add(COMPILE_ERROR, `args must not shadow ${name} (use a different variable name)`, arg.loc);
  }
  walkRule(rule, {
    expr(e) {
      if (e.expr.type !== "term" || !isOp(e.expr.term, "assign") || e.expr.term.type !== "call") return;
      const name = rootName(e.expr.term.args[0]);
      if (name) errors.add(COMPILE_ERROR, `variables must not shadow ${name} (use a different variable name)`, e.loc);
    },
  });
}
