/**
 * Terms and infix expressions, following OPA's precedence (lowest first): `in`, relations
 * (== != < <= > >=), `|`, `&`, `+ -`, `* / %`, then primary terms with their refs and calls.
 * Comprehensions win over `|` in `{a | b}`, as in OPA.
 */
import type { Expr, RefTerm, Term } from "../ast.js";
import { MEMBER_2, MEMBER_3, OPERATORS } from "../ast.js";
import { KEYWORDS, type TokenKind } from "../lexer.js";
import { extendLoc } from "../location.js";
import { parseArray, parseSetOrObject, parseTermList } from "./collections.js";
import { opCall, valueName, varTerm } from "./nodes.js";
import { parseNumber, parseString } from "./scalars.js";
import type { Parser } from "./state.js";

/**
 * Binding power of the infix operators, OPA's levels from loosest to tightest: relations,
 * `|`, `&`, `+ -`, `* / %`. All are left-associative. (`in` binds looser still; see parseTermIn.)
 */
export const PRECEDENCE: Partial<Record<TokenKind, number>> = {
  "==": 1, "!=": 1, "<": 1, "<=": 1, ">": 1, ">=": 1,
  "|": 2,
  "&": 3,
  "+": 4, "-": 4,
  "*": 5, "/": 5, "%": 5,
};

/** A full infix term; `k, v in xs` is allowed (statement and argument positions differ here). */
export function parseTermInfixCall(p: Parser): Term {
  return parseTermIn(p, true);
}

/** An infix term inside a list (`[a, b in c]` is two items, not `member_3`). */
export function parseTermInfixCallInList(p: Parser): Term {
  return parseTermIn(p, false);
}

function parseTermIn(p: Parser, keyVal: boolean): Term {
  p.enter();
  let lhs = parseTermRelation(p);
  for (;;) {
    if (keyVal && p.is(",")) {
      const first = lhs;
      const call = p.attempt(() => {
        p.next();
        const mhs = parseTermRelation(p);
        if (!p.is("in")) p.illegal();
        const op = p.next();
        const rhs = parseTermRelation(p);
        return opCall(MEMBER_3, [first, mhs, rhs], p.loc(op), extendLoc(first.loc, p.lastEnd()));
      });
      if (call) {
        lhs = call;
        if (p.is("in")) continue;
        break;
      }
    }
    if (!p.is("in")) break;
    const op = p.next();
    const rhs = parseTermRelation(p);
    lhs = opCall(MEMBER_2, [lhs, rhs], p.loc(op), extendLoc(lhs.loc, p.lastEnd()));
  }
  p.leave();
  return lhs;
}

/** Precedence climbing over PRECEDENCE: one stack frame per level of nesting, not five. */
export function parseTermRelation(p: Parser, minPrec = 1): Term {
  let lhs = parseTerm(p);
  for (;;) {
    const prec = PRECEDENCE[p.cur.kind];
    if (prec === undefined || prec < minPrec) return lhs;
    const op = p.next();
    const rhs = parseTermRelation(p, prec + 1);
    const name = OPERATORS[op.kind as keyof typeof OPERATORS];
    lhs = opCall(name, [lhs, rhs], p.loc(op), extendLoc(lhs.loc, p.lastEnd()));
  }
}

/** A primary term with any ref/call suffix (`a.b[c](d)`), memoised by position. */
export function parseTerm(p: Parser): Term {
  // Only composites are worth memoising: they are what backtracking re-reads, and they nest.
  const k = p.cur.kind;
  if (k === "[" || k === "{" || k === "(") return p.cached(() => parseTermUncached(p));
  return parseTermUncached(p);
}

function parseTermUncached(p: Parser): Term {
  p.enter();
  const tok = p.cur;
  let term: Term;
  switch (tok.kind) {
    case "null":
    case "true":
    case "false":
      // OPA v1 reads a keyword followed by `.` or `[` as the head of a ref: `null.x`, `true["y"]`.
      if (p.keywordStartsRef()) {
        term = varTerm(p.next().text, p.loc(tok));
        break;
      }
      p.next();
      term = tok.kind === "null" ? { type: "null", loc: p.loc(tok) } : { type: "boolean", value: tok.kind === "true", loc: p.loc(tok) };
      break;
    case "-":
    case ".":
    case "number":
      term = parseNumber(p);
      break;
    case "string":
      term = parseString(p);
      break;
    case "template":
      term = parseTemplate(p);
      break;
    case "identifier":
    case "contains": // `contains` is a keyword only in rule heads
      p.next();
      term = varTerm(tok.text, p.loc(tok));
      break;
    case "[":
      term = parseArray(p);
      break;
    case "{":
      term = parseSetOrObject(p);
      break;
    case "(": {
      p.next();
      const inner = parseTermInfixCall(p);
      if (!p.is(")")) p.fail("non-terminated expression");
      p.next();
      term = inner;
      break;
    }
    default:
      if (p.keywordStartsRef()) {
        p.next();
        term = varTerm(tok.text, p.loc(tok));
        break;
      }
      p.illegal();
  }
  if (p.atRefContinuation()) term = parseRef(p, term);
  else if (term.type === "var" && (term.name === "input" || term.name === "data")) {
    term = { type: "ref", terms: [term], loc: term.loc };
  }
  p.leave();
  return term;
}

/** Parses `.x`, `[t]` and `(args)` suffixes after `head`. */
export function parseRef(p: Parser, head: Term): Term {
  switch (head.type) {
    case "var": case "array": case "object": case "set":
    case "arraycomp": case "setcomp": case "objectcomp": case "call":
      break;
    default:
      p.fail(`illegal ref (head cannot be ${valueName(head)})`, head.loc);
  }
  const terms: Term[] = [head];
  for (;;) {
    const tok = p.cur;
    if (tok.kind === ".") {
      p.next();
      const name = p.cur;
      if (name.ws) p.fail("unexpected whitespace token: expected identifier", p.loc(name));
      if (name.kind !== "identifier" && !KEYWORDS.has(name.kind)) p.illegal("expected identifier");
      p.next();
      terms.push({ type: "string", value: name.text, loc: p.loc(name) });
    } else if (tok.kind === "[") {
      p.next();
      const t = parseTermInfixCall(p);
      if (!p.is("]")) p.illegal("expected ]");
      p.next();
      terms.push(t);
    } else if (tok.kind === "(") {
      const fn: RefTerm = { type: "ref", terms, loc: extendLoc(head.loc, p.lastEnd()) };
      const call = parseCall(p, fn);
      return p.atRefContinuation() ? parseRef(p, call) : call;
    } else {
      break;
    }
    if (!p.atRefContinuation()) break;
  }
  return { type: "ref", terms, loc: extendLoc(head.loc, p.lastEnd()) };
}

function parseCall(p: Parser, fn: RefTerm): Term {
  p.next(); // the `(`
  if (fn.terms[0].type !== "var") {
    p.fail(`illegal call (operator must be a function name, not ${valueName(fn.terms[0])})`, fn.loc);
  }
  if (p.is(")")) {
    p.next();
    const loc = extendLoc(fn.loc, p.lastEnd());
    if (fn.terms.length === 1 && (fn.terms[0] as { name: string }).name === "set") return { type: "set", items: [], loc };
    return { type: "call", fn, args: [], loc };
  }
  const args = parseTermList(p, ")", []);
  return { type: "call", fn, args, loc: extendLoc(fn.loc, p.lastEnd()) };
}


/**
 * A template string, `$"hello {input.name}"`, as OPA compiles it: a call to
 * `internal.template_string` with the literal parts as strings and each expression as the set of
 * its values (`{v | v = expr}`), so that an undefined expression renders as `<undefined>`
 * instead of making the string undefined.
 */
function parseTemplate(p: Parser): Term {
  const first = p.cur;
  const parts: Term[] = [];
  let tok = p.next();
  parts.push({ type: "string", value: tok.template!.value, loc: p.loc(tok) });
  while (tok.template!.part === "head" || tok.template!.part === "middle") {
    const expr = parseTermInfixCall(p);
    const name = `__template_value_${p.templateCount++}__`;
    const v = varTerm(name, expr.loc);
    const body: Expr[] = [{ type: "expr", negated: false, expr: { type: "term", term: opCall("eq", [v, expr], expr.loc, expr.loc) }, with: [], loc: expr.loc }];
    parts.push({ type: "setcomp", head: { ...v }, body, loc: expr.loc });
    if (!p.is("template") || (p.cur.template!.part !== "middle" && p.cur.template!.part !== "tail")) p.illegal("expected } to end the template expression");
    tok = p.next();
    parts.push({ type: "string", value: tok.template!.value, loc: p.loc(tok) });
  }
  const loc = p.span(first);
  const array: Term = { type: "array", items: parts.filter((t) => t.type !== "string" || t.value !== ""), loc };
  return opCall("internal.template_string", [array], p.loc(first), loc);
}
