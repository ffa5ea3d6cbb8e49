/**
 * Rules: heads (plain, ref heads, functions, `contains`), bodies (`if`, braces, none), `default`,
 * `else` chains and extra bodies, with OPA v1's checks. A v0-only form is reported (non-fatally,
 * as OPA does) with the message that says what v1 wants, and parsing carries on.
 */
import type { Body, Expr, Location, Rule, RuleHead, RuleKind, Term } from "../ast.js";
import { extendLoc } from "../location.js";
import { parseBody, parseLiteral } from "./body.js";
import { isGround, show, showRef, valueName, varTerm } from "./nodes.js";
import type { Parser } from "./state.js";
import { parseRef, parseTermInfixCall } from "./terms.js";
import type { Token } from "../lexer.js";

const HEAD_OPERATORS = new Set(["+", "-", "*", "/", "%", "&", "|", "==", "!=", ">", ">=", "<", "<="]);

interface ParsedHead extends RuleHead {
  usesContains: boolean;
}

function trueBody(loc: Location): Body {
  return [{ type: "expr", negated: false, expr: { type: "term", term: { type: "boolean", value: true, loc } }, with: [], loc }];
}

/** OPA's rule kinds plus "function"; a ref head with any non-string key defines an object. */
export function ruleKind(head: RuleHead): RuleKind {
  if (head.args !== null) return "function";
  if (head.key !== null && head.value === null) return "partial_set";
  for (let i = 1; i < head.ref.length; i++) if (head.ref[i].type !== "string") return "partial_object";
  return "complete";
}

function headName(head: RuleHead): string {
  return showRef(head.ref);
}

function parseHead(p: Parser, isDefault: boolean): ParsedHead {
  const start = p.cur;
  const name = p.next();
  const headVar = varTerm(name.text, p.loc(name));
  if (!p.cur.ws && HEAD_OPERATORS.has(p.cur.kind)) p.illegal();
  let ref: Term[] = [headVar];
  let args: Term[] | null = null;
  // Unlike in bodies, `p [x]` and `f (x)` are still heads: whitespace may precede the suffix.
  const k = p.cur.kind;
  if (k === "(" || k === "." || k === "[") {
    const t = parseRef(p, headVar);
    if (t.type === "ref") {
      if (t.terms[0].type !== "var") p.fail(`rule head ref ${show(t)} invalid`, t.loc);
      ref = t.terms;
    } else if (t.type === "call") {
      ref = t.fn.terms;
      args = t.args;
    }
  }
  const head: ParsedHead = { ref, args, key: null, value: null, assign: false, loc: p.span(start), usesContains: false };
  switch (p.cur.kind) {
    case "contains":
      if (args !== null) {
        p.illegal(`the contains keyword can only be used with multi-value rule definitions (e.g., ${headName(head)} contains <VALUE> { ... })`);
      }
      p.next();
      head.key = parseTermInfixCall(p);
      head.usesContains = true;
      head.loc = p.span(start);
      return head;
    case "=":
    case ":=": {
      const op = p.next();
      head.assign = op.kind === ":=";
      if (isExprEnd(p)) {
        const what = args !== null ? `function value term (e.g., ${headName(head)}(...) := <VALUE> { ... })`
          : isDefault ? `default rule value term (e.g., default ${headName(head)} := <VALUE>)`
            : `rule value term (e.g., ${headName(head)} := <VALUE> { ... })`;
        p.illegal(`expected ${what}`);
      }
      head.value = parseTermInfixCall(p);
      break;
    }
  }
  if (head.value === null && (ref.length !== 2 || args !== null)) {
    head.value = { type: "boolean", value: true, loc: head.loc };
    head.impliedValue = true;
  }
  head.loc = p.span(start);
  return head;
}

function isExprEnd(p: Parser): boolean {
  const k = p.cur.kind;
  return k === "eof" || k === "}" || k === ";";
}

function toRuleHead(h: ParsedHead): RuleHead {
  const head: RuleHead = { ref: h.ref, args: h.args, key: h.key, value: h.value, assign: h.assign, loc: h.loc };
  if (h.impliedValue) head.impliedValue = true;
  return head;
}

function makeRule(head: RuleHead, body: Body, isDefault: boolean, loc: Location): Rule {
  return { type: "rule", kind: ruleKind(head), default: isDefault, head, body, else: null, annotations: [], loc };
}

/** Does the token start a rule? (an identifier, or a keyword used as a ref head: `if.x := 1`) */
export function startsRule(p: Parser): boolean {
  return p.is("identifier") || p.is("default") || p.keywordStartsRef();
}

/**
 * Parses one rule statement (plus any extra `{ ... }` bodies, which become further rules with
 * the same head). The caller has checked `startsRule`.
 */
export function parseRules(p: Parser): Rule[] {
  const start = p.cur;
  let isDefault = false;
  if (p.is("default") && !p.keywordStartsRef()) {
    p.next();
    isDefault = true;
    if (!p.is("identifier") && !p.keywordStartsRef()) p.illegal(undefined, start);
  }
  const head = parseHead(p, isDefault);
  if (isDefault) return [parseDefault(p, head, start)];

  const hasIf = p.is("if");
  const contains = head.usesContains;
  if (hasIf && !contains && head.ref.length === 2 && head.value === null) {
    head.value = { type: "boolean", value: true, loc: head.loc };
    head.impliedValue = true;
  }
  // v0's `p[x] { ... }` defines a partial set: read it as such, then say that v1 wants `contains`.
  let v0PartialSet = false;
  if (!hasIf && !contains && head.args === null && head.ref.length === 2 && head.value === null) {
    head.key = head.ref[1];
    head.ref = [head.ref[0]];
    v0PartialSet = true;
  }
  const kindWord = head.args !== null ? "function" : "rule";

  let body: Body;
  if (hasIf) {
    p.next();
    body = parseIfBody(p);
  } else if (p.is("{")) {
    p.report(`\`if\` keyword is required before ${kindWord} body`, p.loc(start));
    p.next();
    body = parseBody(p, "}");
  } else {
    return [parseBodiless(p, head, start, v0PartialSet)];
  }
  if (v0PartialSet) p.report("`contains` keyword is required for partial set rules", p.loc(start));

  const rule = makeRule(toRuleHead(head), body, false, p.span(start));
  if (p.is("else") && !p.keywordStartsRef()) {
    if (!head.ref.slice(1).every(isGround)) p.fail("else keyword cannot be used on rules with variables in head");
    if (head.key !== null) p.fail("else keyword cannot be used on multi-value rules");
    rule.else = parseElse(p, rule.head, hasIf);
    rule.loc = p.span(start);
  }
  const rules = [rule];
  while (p.is("{")) {
    if (rule.else) p.fail("expected else keyword");
    const open = p.next();
    const extra = parseBody(p, "}");
    const loc = p.span(open);
    rules.push(makeRule({ ...rule.head, loc }, extra, false, loc));
  }
  return rules;
}

/** After `if`: a single literal (`p if x > 1`) or a braced body. `{ x }` is a body, not a set. */
function parseIfBody(p: Parser): Body {
  const save = p.pos;
  const failure = { value: undefined as unknown };
  const expr = p.recover<Expr | undefined>(() => parseLiteral(p), (f) => {
    failure.value = f;
    return undefined;
  });
  if (expr) {
    const e = expr.expr;
    const isSet = e.type === "term" && e.term.type === "set";
    if (!isSet) return [expr];
  }
  p.pos = save;
  if (!p.is("{")) {
    if (failure.value) throw failure.value;
    p.illegal();
  }
  p.next();
  return parseBody(p, "}");
}

function parseDefault(p: Parser, head: ParsedHead, start: Token): Rule {
  const loc = p.span(start);
  if (head.value === null) p.fail("illegal default rule (must have a value)", loc);
  const bad = forbiddenInDefault(head.value);
  if (bad) p.fail(`illegal default rule (value cannot contain ${bad})`, loc);
  if (head.args !== null) {
    const seen = new Set<string>();
    for (const a of head.args) {
      if (a.type !== "var") p.fail(`illegal default rule (arguments cannot contain ${valueName(a)})`, loc);
      if (a.name !== "_" && seen.has(a.name)) p.fail(`illegal default rule (arguments cannot be repeated ${a.name})`, loc);
      seen.add(a.name);
    }
  }
  return makeRule(toRuleHead(head), trueBody(loc), true, loc);
}

/** The first var, ref or call in a default value, outside comprehensions (which are closed). */
function forbiddenInDefault(t: Term): string | null {
  switch (t.type) {
    case "var": return "var";
    case "ref": return "ref";
    case "call": return "call";
    case "array": case "set": {
      for (const x of t.items) { const b = forbiddenInDefault(x); if (b) return b; }
      return null;
    }
    case "object": {
      for (const [k, v] of t.items) { const b = forbiddenInDefault(k) ?? forbiddenInDefault(v); if (b) return b; }
      return null;
    }
    default: return null;
  }
}

/** A rule with no body: `p := 1`, `f(x) := 2`, `a.b.c := 3`, `p contains 1`, or an error. */
function parseBodiless(p: Parser, head: ParsedHead, start: Token, v0PartialSet: boolean): Rule {
  const loc = p.span(start);
  if (p.is("with")) p.fail("expressions using with keyword cannot be used for rule head", loc);
  const bodyLoc = head.value && !head.impliedValue ? head.value.loc : head.key ? head.key.loc : head.loc;
  if (head.usesContains) return makeRule(toRuleHead(head), trueBody(bodyLoc), false, loc);
  if (head.value && !head.impliedValue) return makeRule(toRuleHead(head), trueBody(bodyLoc), false, loc);
  // No value and no body.
  if (head.args !== null) {
    // OPA reads a bare `f(x)` as a function returning true.
    const h = toRuleHead(head);
    delete h.impliedValue;
    return makeRule(h, trueBody(bodyLoc), false, loc);
  }
  if (v0PartialSet) {
    p.report("`contains` keyword is required for partial set rules", loc);
    return makeRule(toRuleHead(head), trueBody(bodyLoc), false, loc);
  }
  if (head.ref.length === 1) p.fail("var cannot be used for rule name", loc);
  p.fail("rule must have value assignment and/or body declaration", loc);
}

/** `else [= | :=] value [if] { body }` ...; each else rule takes the first rule's head. */
function parseElse(p: Parser, first: RuleHead, firstHadIf: boolean): Rule {
  const start = p.next();
  const head: RuleHead = { ref: first.ref, args: first.args, key: null, value: null, assign: false, loc: p.loc(start) };
  if (p.is("{") || p.is("if")) {
    head.value = { type: "boolean", value: true, loc: p.loc(start) };
    head.impliedValue = true;
  } else if (p.is(":=") || p.is("=")) {
    head.assign = p.next().kind === ":=";
    head.value = parseTermInfixCall(p);
    head.loc = p.span(start);
  } else {
    p.illegal("expected else value term or rule body");
  }
  const hasIf = p.is("if");
  let body: Body;
  if (!hasIf && !p.is("{")) {
    body = trueBody(p.span(start));
    return makeRule(head, body, false, p.span(start));
  }
  if (hasIf) p.next();
  if (p.is("{")) {
    if (!hasIf && !firstHadIf) p.report("`if` keyword is required before rule body", p.loc(start));
    p.next();
    body = parseBody(p, "}");
  } else if (!p.is("eof")) {
    body = [parseLiteral(p)];
  } else {
    p.illegal("rule body expected");
  }
  const rule = makeRule(head, body, false, p.span(start));
  if (p.is("else") && !p.keywordStartsRef()) {
    rule.else = parseElse(p, first, firstHadIf);
    rule.loc = extendLoc(rule.loc, p.lastEnd());
  }
  return rule;
}
