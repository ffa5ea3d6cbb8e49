/**
 * CheckLiteralShapes: `[x, y] := [1, 2, 3]` can never hold, and OPA's type checker refuses it at
 * compile time ("match error"). This stage makes that one check of OPA's checkTypes: array
 * literals unified with array literals of another length, at any depth of nested arrays.
 */
import type { Module, Rule, Term } from "../../rego/ast.js";
import { TYPE_ERROR, type ErrorList } from "../errors.js";
import { isOp } from "../rewrite/vars.js";
import { walkRule } from "../ast/walk.js";

export function checkLiteralShapes(modules: Module[], errors: ErrorList): void {
  for (const m of modules) {
    for (const rule of m.rules) {
      for (let r: Rule | null = rule; r; r = r.else) {
        walkRule(r, {
          expr(e) {
            const t = e.expr.type === "term" ? e.expr.term : undefined;
            if (t?.type !== "call" || !(isOp(t, "eq") || isOp(t, "assign")) || t.args.length !== 2) return;
            const [left, right] = t.args as [Term, Term];
            if (!shapesFit(left, right)) {
              errors.add(TYPE_ERROR, `match error\n\tleft  : ${typeName(left)}\n\tright : ${typeName(right)}`, e.loc);
            }
          },
        });
      }
    }
  }
}

function shapesFit(a: Term, b: Term): boolean {
  if (a.type !== "array" || b.type !== "array") return true;
  return a.items.length === b.items.length && a.items.every((x, i) => shapesFit(x, b.items[i]!));
}

/** The static type of a literal, written as OPA's types.Sprint writes it; anything computed is `any`. */
function typeName(t: Term): string {
  switch (t.type) {
    case "null":
    case "boolean":
    case "number":
    case "string":
      return t.type;
    case "array":
      return `array<${t.items.map(typeName).join(", ")}>`;
    default:
      return "any";
  }
}
