/**
 * A compact, deterministic text rendering of the AST, for `regent parse --format pretty` and
 * golden tests. Operators appear as the calls they are (`gt(x, 1)`), so precedence is visible.
 */
import type { Body, Expr, Module, Rule, Term } from "./ast.js";

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function prettyTerm(t: Term): string {
  switch (t.type) {
    case "null": return "null";
    case "boolean": return String(t.value);
    case "number": return t.value;
    case "string": return t.raw ? "`" + t.value + "`" : JSON.stringify(t.value);
    case "var": return t.name;
    case "ref": return prettyRef(t.terms);
    case "array": return `[${t.items.map(prettyTerm).join(", ")}]`;
    case "set": return t.items.length === 0 ? "set()" : `{${t.items.map(prettyTerm).join(", ")}}`;
    case "object": return `{${t.items.map(([k, v]) => `${prettyTerm(k)}: ${prettyTerm(v)}`).join(", ")}}`;
    case "call": return `${prettyRef(t.fn.terms)}(${t.args.map(prettyTerm).join(", ")})`;
    case "arraycomp": return `[${prettyTerm(t.head)} | ${prettyBody(t.body)}]`;
    case "setcomp": return `{${prettyTerm(t.head)} | ${prettyBody(t.body)}}`;
    case "objectcomp": return `{${prettyTerm(t.key)}: ${prettyTerm(t.value)} | ${prettyBody(t.body)}}`;
  }
}

function prettyRef(terms: Term[]): string {
  let s = prettyTerm(terms[0]);
  for (let i = 1; i < terms.length; i++) {
    const t = terms[i];
    s += t.type === "string" && !t.raw && IDENT.test(t.value) ? `.${t.value}` : `[${prettyTerm(t)}]`;
  }
  return s;
}

export function prettyExpr(e: Expr): string {
  let s = e.negated ? "not " : "";
  const x = e.expr;
  switch (x.type) {
    case "term": s += prettyTerm(x.term); break;
    case "some": s += `some ${x.vars.map(prettyTerm).join(", ")}`; break;
    case "somein":
      s += `some ${x.key ? prettyTerm(x.key) + ", " : ""}${prettyTerm(x.value)} in ${prettyTerm(x.domain)}`;
      break;
    case "every":
      s += `every ${x.key ? prettyTerm(x.key) + ", " : ""}${prettyTerm(x.value)} in ${prettyTerm(x.domain)} { ${prettyBody(x.body)} }`;
      break;
  }
  for (const w of e.with) s += ` with ${prettyTerm(w.target)} as ${prettyTerm(w.value)}`;
  return s;
}

export function prettyBody(b: Body): string {
  return b.map(prettyExpr).join("; ");
}

export function prettyRule(r: Rule): string {
  const h = r.head;
  let s = `${r.default ? "default " : ""}${r.kind} ${prettyRef(h.ref)}`;
  if (h.args) s += `(${h.args.map(prettyTerm).join(", ")})`;
  if (h.key && !h.value) s += ` contains ${prettyTerm(h.key)}`;
  if (h.value) s += h.impliedValue ? " (true)" : ` ${h.assign ? ":=" : "="} ${prettyTerm(h.value)}`;
  s += ` { ${prettyBody(r.body)} }`;
  for (let e = r.else; e; e = e.else) {
    const v = e.head.value;
    s += ` else${v && !e.head.impliedValue ? ` ${e.head.assign ? ":=" : "="} ${prettyTerm(v)}` : ""} { ${prettyBody(e.body)} }`;
  }
  for (const a of r.annotations) s += ` @${a.scope}${a.title ? `(${JSON.stringify(a.title)})` : ""}`;
  return s;
}

export function prettyModule(m: Module): string {
  const lines = [`package ${m.package.path.map((p) => (IDENT.test(p) ? p : JSON.stringify(p))).join(".")}`];
  for (const a of m.annotations) lines.push(`# @${a.scope}${a.title ? ` ${JSON.stringify(a.title)}` : ""}`);
  for (const i of m.imports) lines.push(`import ${prettyRef(i.path.terms)}${i.alias ? ` as ${i.alias}` : ""}`);
  for (const r of m.rules) lines.push(prettyRule(r));
  return lines.join("\n") + "\n";
}
