/**
 * Number and string literals: OPA's checks on numbers (leading zeros, range) with the text kept
 * exactly as written, and JSON-style string unescaping with Go's handling of lone surrogates.
 */
import type { Term } from "../ast.js";
import type { Parser } from "./state.js";

/** Rough binary exponent of a decimal literal; OPA refuses |exp| > 1e5 ("number too big"). */
function binaryExponent(text: string): number {
  const m = /^-?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return 0;
  const int = (m[1] ?? "").replace(/^0+/, "");
  const frac = m[2] ?? "";
  const e = m[3] ? Number(m[3]) : 0;
  let dec: number;
  if (int.length > 0) dec = int.length + e;
  else {
    const lead = frac.length - frac.replace(/^0+/, "").length;
    if (lead === frac.length) return 0; // zero
    dec = e - lead;
  }
  return dec * Math.log2(10);
}

export function parseNumber(p: Parser): Term {
  const start = p.cur;
  let prefix = "";
  if (p.is("-")) {
    prefix = "-";
    p.next();
    if (!p.is("number") && !p.is(".")) p.illegal("expected number");
  }
  if (p.is(".")) {
    prefix += ".";
    p.next();
    if (!p.is("number")) p.illegal("expected number");
  }
  const num = p.cur;
  if (num.kind !== "number") p.illegal();
  const lit = num.text;
  const afterDot = prefix.endsWith(".");
  if (!afterDot && lit.length > 1 && lit[0] === "0") {
    const decimal = lit[1] === ".";
    const scientific = lit.length > 2 && (lit[1] === "e" || lit[1] === "E");
    if (!decimal && !scientific) p.illegal("expected number without leading zero");
  }
  if (afterDot && lit.includes(".")) p.illegal("invalid float");
  const value = prefix + lit;
  // Only a long literal or one with an exponent can be out of range.
  // Only a long literal or one with an exponent can be out of range. Go's big.Float refuses an
  // exponent beyond 32 bits outright ("invalid float"); a merely huge one is "number too big".
  if (lit.length > 300 || /[eE]/.test(lit)) {
    const exp = /[eE]([+-]?\d+)$/.exec(lit);
    if (exp && Math.abs(Number(exp[1])) > 2147483647) p.illegal("invalid float");
    if (Math.abs(binaryExponent(value)) > 1e5) p.fail("number too big", p.loc(num));
  }
  p.next();
  return { type: "number", value, loc: p.span(start) };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function parseString(p: Parser): Term {
  const tok = p.next();
  const loc = p.loc(tok);
  const text = tok.text;
  if (text[0] === "`") return { type: "string", value: text.slice(1, -1), raw: true, loc };
  const inner = text.slice(1, -1);
  if (!inner.includes("\\")) return { type: "string", value: inner, loc };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    p.fail(`illegal string literal: ${text}`, loc);
  }
  // Go's decoder (OPA) replaces unpaired surrogates with U+FFFD; do the same.
  return { type: "string", value: (value as string).replace(LONE_SURROGATE, "\ufffd"), loc };
}

