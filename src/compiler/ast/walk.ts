/**
 * The compiler stages' shared AST walker: every expression and term of a rule clause,
 * comprehension and `every` bodies included, so that each stage's check is a visitor of a few lines.
 */
import type { Body, Expr, Rule, Term } from "../../rego/ast.js";
import { subterms } from "../subterms.js";

export interface Visitor {
  expr?(e: Expr): void;
  term?(t: Term): void;
}

export function walkRule(rule: Rule, v: Visitor): void {
  for (const t of rule.head.ref.slice(1)) walkTerm(t, v);
  for (const t of [...(rule.head.args ?? []), rule.head.key, rule.head.value]) if (t) walkTerm(t, v);
  walkBody(rule.body, v);
}

export function walkBody(body: Body, v: Visitor): void {
  for (const e of body) {
    v.expr?.(e);
    const x = e.expr;
    if (x.type === "term") walkTerm(x.term, v);
    else if (x.type === "somein" || x.type === "every") {
      for (const t of [x.key, x.value, x.domain]) if (t) walkTerm(t, v);
      if (x.type === "every") walkBody(x.body, v);
    }
    for (const w of e.with) walkTerm(w.value, v);
  }
}

export function walkTerm(t: Term, v: Visitor): void {
  v.term?.(t);
  switch (t.type) {
    case "arraycomp":
    case "setcomp":
      walkTerm(t.head, v);
      walkBody(t.body, v);
      return;
    case "objectcomp":
      walkTerm(t.key, v);
      walkTerm(t.value, v);
      walkBody(t.body, v);
      return;
    default:
      for (const s of subterms(t)) walkTerm(s, v);
  }
}
