/**
 * Arrays, sets, objects and their comprehensions, with OPA's disambiguation: a single term is
 * tried first so `{a | b}` is a comprehension, and a body failing at a comma falls back to a list.
 */
import type { Body, Term } from "../ast.js";
import type { Token, TokenKind } from "../lexer.js";
import { parseBody } from "./body.js";
import type { Parser } from "./state.js";
import { parseTerm, parseTermInfixCallInList, parseTermRelation, PRECEDENCE } from "./terms.js";

/** Items up to and including `end`; a trailing comma is allowed. */
export function parseTermList(p: Parser, end: TokenKind, items: Term[]): Term[] {
  if (p.is(end)) {
    p.next();
    return items;
  }
  for (;;) {
    items.push(parseTermInfixCallInList(p));
    if (p.is(end)) {
      p.next();
      return items;
    }
    if (!p.is(",")) p.illegal(`expected "," or "${end}"`);
    p.next();
    if (p.is(end)) {
      p.next();
      return items;
    }
  }
}

function parseTermPairList(p: Parser, end: TokenKind, items: [Term, Term][]): [Term, Term][] {
  if (p.is(end)) {
    p.next();
    return items;
  }
  for (;;) {
    const key = parseTermInfixCallInList(p);
    if (!p.is(":")) p.illegal(`expected ":"`);
    p.next();
    items.push([key, parseTermInfixCallInList(p)]);
    if (p.is(end)) {
      p.next();
      return items;
    }
    if (!p.is(",")) p.illegal(`expected "," or "${end}"`);
    p.next();
    if (p.is(end)) {
      p.next();
      return items;
    }
  }
}

/**
 * Parses a comprehension body after `|`; if the body fails exactly at a comma, the caller
 * falls back to reading the whole thing as a list (`[a | b, c]` is an array), as OPA does.
 */
function comprehensionBody(p: Parser, end: TokenKind): Body | undefined {
  return p.recover(
    () => {
      p.next(); // the `|`
      return parseBody(p, end);
    },
    (f) => {
      if (p.toks[p.failedAt].kind === ",") return undefined;
      throw f;
    },
  );
}

export function parseArray(p: Parser): Term {
  const open = p.next();
  if (p.is("]")) {
    p.next();
    return { type: "array", items: [], loc: p.span(open) };
  }
  let potentialComprehension = true;
  if (p.is(",")) {
    potentialComprehension = false;
    p.next();
  }
  const save = p.pos;
  const head = parseTerm(p);
  if (p.is("]")) {
    p.next();
    return { type: "array", items: [head], loc: p.span(open) };
  }
  if (p.is(",")) {
    p.next();
    return { type: "array", items: parseTermList(p, "]", [head]), loc: p.span(open) };
  }
  if (p.is("|") && potentialComprehension) {
    const body = comprehensionBody(p, "]");
    if (body) return { type: "arraycomp", head, body, loc: p.span(open) };
  }
  const comp = potentialComprehension ? arithmeticHeadComprehension(p, save, "]") : undefined;
  if (comp) return { type: "arraycomp", head: comp.head, body: comp.body, loc: p.span(open) };
  p.pos = save;
  return { type: "array", items: parseTermList(p, "]", []), loc: p.span(open) };
}

/**
 * `[x * 2 | ...]`: a comprehension whose head is arithmetic (`&`, `+ -`, `* / %`, which bind
 * tighter than `|`). Returns undefined, with the position unchanged, when it is not one.
 */
function arithmeticHeadComprehension(p: Parser, save: number, end: TokenKind): { head: Term; body: Body } | undefined {
  const prec = PRECEDENCE[p.cur.kind];
  if (prec === undefined || prec < 3) return undefined;
  const at = p.pos;
  p.pos = save;
  const head = p.attempt(() => parseTermRelation(p, 3));
  if (head && p.is("|")) {
    const body = comprehensionBody(p, end);
    if (body) return { head, body };
  }
  p.pos = at;
  return undefined;
}

export function parseSetOrObject(p: Parser): Term {
  const open = p.next();
  if (p.is("}")) {
    p.next();
    return { type: "object", items: [], loc: p.span(open) };
  }
  let potentialComprehension = true;
  if (p.is(",")) {
    potentialComprehension = false;
    p.next();
  }
  const save = p.pos;
  // A single term first, so that `{a | b}` is a comprehension rather than a set holding `or(a, b)`.
  let head = parseTerm(p);
  if ((p.is("|") && potentialComprehension) || p.is("}") || p.is(",")) {
    return parseSet(p, open, save, head, potentialComprehension);
  }
  const comp = potentialComprehension ? arithmeticHeadComprehension(p, save, "}") : undefined;
  if (comp) return { type: "setcomp", head: comp.head, body: comp.body, loc: p.span(open) };
  if (p.is(":")) return parseObject(p, open, head, potentialComprehension);
  p.pos = save;
  head = parseTermInfixCallInList(p);
  if (p.is("}") || p.is(",")) return parseSet(p, open, save, head, false);
  if (p.is(":")) return parseObject(p, open, head, potentialComprehension);
  p.illegal("non-terminated set");
}

function parseSet(p: Parser, open: Token, save: number, head: Term, potentialComprehension: boolean): Term {
  if (p.is("}")) {
    p.next();
    return { type: "set", items: [head], loc: p.span(open) };
  }
  if (p.is(",")) {
    p.next();
    return { type: "set", items: parseTermList(p, "}", [head]), loc: p.span(open) };
  }
  if (potentialComprehension) {
    const body = comprehensionBody(p, "}");
    if (body) return { type: "setcomp", head, body, loc: p.span(open) };
  }
  p.pos = save;
  return { type: "set", items: parseTermList(p, "}", []), loc: p.span(open) };
}

function parseObject(p: Parser, open: Token, key: Term, potentialComprehension: boolean): Term {
  p.next(); // the `:`
  const save = p.pos;
  const value = parseTerm(p);
  if (potentialComprehension) {
    if (p.is("}") || p.is(",")) return parseObjectFinish(p, open, key, value);
    if (p.is("|")) {
      const body = comprehensionBody(p, "}");
      if (body) return { type: "objectcomp", key, value, body, loc: p.span(open) };
    }
  }
  p.pos = save;
  const v = parseTermInfixCallInList(p);
  if (p.is("}") || p.is(",")) return parseObjectFinish(p, open, key, v);
  p.illegal("non-terminated object");
}

function parseObjectFinish(p: Parser, open: Token, key: Term, value: Term): Term {
  if (p.is("}")) {
    p.next();
    return { type: "object", items: [[key, value]], loc: p.span(open) };
  }
  p.next(); // the `,`
  return { type: "object", items: parseTermPairList(p, "}", [[key, value]]), loc: p.span(open) };
}
