/**
 * Bodies and their expressions: literals separated by `;` or newlines, `not`, `some` (both
 * forms), `every`, unification/assignment, and `with ... as ...` modifiers.
 */
import type { Body, Expr, Term, VarTerm, With } from "../ast.js";
import { MEMBER_2, MEMBER_3 } from "../ast.js";
import type { TokenKind } from "../lexer.js";
import { extendLoc } from "../location.js";
import { isCallTo, opCall, varTerm } from "./nodes.js";
import type { Parser } from "./state.js";
import { parseTerm, parseTermInfixCall } from "./terms.js";

/** A body up to and including the `end` token (`}` or `]`). */
export function parseBody(p: Parser, end: TokenKind): Body {
  p.enter();
  const body = parseQueryUntil(p, end);
  p.next(); // the end token
  p.leave();
  return body;
}

/** Literals up to (not including) `end`; each is followed by `;`, a newline, or `end`. */
export function parseQueryUntil(p: Parser, end: TokenKind): Body {
  if (p.is(end)) p.fail("found empty body");
  const body: Body = [];
  for (;;) {
    body.push(parseLiteral(p));
    if (p.is(";")) {
      p.next();
      continue;
    }
    if (p.is(end)) return body;
    if (!p.cur.nl) p.illegal(`expected \\n or ; or ${end}`);
  }
}

export function parseLiteral(p: Parser): Expr {
  const start = p.cur;
  if (p.keywordStartsRef()) return parseLiteralExpr(p, false, start);
  let negated = false;
  if (p.is("not")) {
    const n = p.peek();
    if (n.ws || (n.kind !== "." && n.kind !== "[")) {
      p.next();
      negated = true;
    }
  }
  if (p.is("some")) {
    if (negated) p.illegal("illegal negation of 'some'");
    return parseSome(p);
  }
  if (p.is("every")) {
    if (negated) p.illegal("illegal negation of 'every'");
    return parseEvery(p);
  }
  if (negated && p.notBody && p.is("{")) return parseNotBody(p, start);
  return parseLiteralExpr(p, negated, start);
}

/**
 * `not { a; b }`: true when the body has no solution. It is planned as `[true | a; b] == []`,
 * which has the same scoping (the body's own vars stay inside, outer vars must be bound) and
 * the same safety rules as a negated body.
 */
function parseNotBody(p: Parser, start: typeof p.cur): Expr {
  const open = p.cur;
  p.next();
  const body = parseBody(p, "}");
  const loc = p.span(start);
  const comp: Term = { type: "arraycomp", head: { type: "boolean", value: true, loc: p.loc(open) }, body, loc: p.span(open) };
  const empty: Term = { type: "array", items: [], loc: p.loc(open) };
  const term = opCall("equal", [comp, empty], p.loc(start), loc);
  const expr: Expr = { type: "expr", negated: false, expr: { type: "term", term }, with: [], loc };
  if (p.is("with")) {
    expr.with = parseWith(p);
    expr.loc = p.span(start);
  }
  return expr;
}

function parseLiteralExpr(p: Parser, negated: boolean, start: typeof p.cur): Expr {
  const lhs = parseTermInfixCall(p);
  let term: Term = lhs;
  if (p.is(":=") || p.is("=")) {
    const op = p.next();
    const rhs = parseTermInfixCall(p);
    term = opCall(op.kind === ":=" ? "assign" : "eq", [lhs, rhs], p.loc(op), extendLoc(lhs.loc, p.lastEnd()));
  }
  const expr: Expr = { type: "expr", negated, expr: { type: "term", term }, with: [], loc: p.span(start) };
  if (p.is("with")) {
    expr.with = parseWith(p);
    expr.loc = p.span(start);
  }
  return expr;
}

function parseWith(p: Parser): With[] {
  const withs: With[] = [];
  while (p.is("with")) {
    const start = p.next();
    if (!p.is("identifier")) p.illegal("expected ident");
    const target = parseTerm(p);
    if (target.type !== "ref" && target.type !== "var") p.illegal("expected with target path");
    if (!p.is("as")) p.illegal("expected as keyword");
    p.next();
    const value = parseTermInfixCall(p);
    const ref = target.type === "ref" ? target : { type: "ref" as const, terms: [target], loc: target.loc };
    withs.push({ type: "with", target: ref, value, loc: p.span(start) });
  }
  return withs;
}

function parseSome(p: Parser): Expr {
  const start = p.cur;
  const startPos = p.pos;
  // First try `some x in xs` / `some k, v in xs`; otherwise it is a declaration `some x, y`.
  const term = p.attempt(() => {
    p.next();
    return parseTermInfixCall(p);
  });
  if (term && term.type === "call") {
    let expr: Expr;
    const args = term.args;
    if (isCallTo(term, MEMBER_2)) {
      const [value, domain] = args;
      expr = { type: "expr", negated: false, expr: { type: "somein", key: null, value, domain }, with: [], loc: p.span(start) };
    } else if (isCallTo(term, MEMBER_3)) {
      const [key, value, domain] = args;
      expr = { type: "expr", negated: false, expr: { type: "somein", key, value, domain }, with: [], loc: p.span(start) };
    } else {
      p.illegal("expected `x in xs` or `x, y in xs` expression");
    }
    if (p.is("with")) {
      expr.with = parseWith(p);
      expr.loc = p.span(start);
    }
    return expr;
  }
  p.pos = startPos;
  const vars: VarTerm[] = [];
  for (;;) {
    p.next(); // `some` or `,`
    if (!p.is("identifier")) p.illegal("expected var");
    const v = p.next();
    vars.push(varTerm(v.text, p.loc(v)));
    if (!p.is(",")) break;
  }
  return { type: "expr", negated: false, expr: { type: "some", vars }, with: [], loc: p.span(start) };
}

function parseEvery(p: Parser): Expr {
  const start = p.next();
  const term = parseTermInfixCall(p);
  let key: Term | null = null;
  let value: Term;
  let domain: Term;
  const args = term.type === "call" ? term.args : [];
  if (isCallTo(term, MEMBER_2)) {
    [value, domain] = args;
  } else if (isCallTo(term, MEMBER_3)) {
    const k = args[0];
    [, value, domain] = args;
    if (k.type !== "var") p.illegal("expected key to be a variable");
    key = k;
  } else {
    p.illegal("expected `x[, y] in xs { ... }` expression");
  }
  if (value.type !== "var") p.illegal("expected value to be a variable");
  if (!p.is("{")) p.illegal("missing body");
  p.next();
  const body = parseBody(p, "}");
  const expr: Expr = { type: "expr", negated: false, expr: { type: "every", key, value, domain, body }, with: [], loc: p.span(start) };
  if (p.is("with")) {
    expr.with = parseWith(p);
    expr.loc = p.span(start);
  }
  return expr;
}
