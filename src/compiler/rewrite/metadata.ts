/**
 * RewriteRegoMetadataCalls (OPA's stage of the same name): `rego.metadata.rule()` and
 * `rego.metadata.chain()` become constants at compile time, built from the METADATA annotations
 * of the rule that calls them, its document, its package and the packages above. No module ever
 * calls them at run time, so any opa-wasm host serves such a policy.
 */
import type { Annotation, Body, Expr, Location, Module, Rule, Term } from "../../rego/ast.js";
import { walkRule } from "../ast/walk.js";
import { splitHeadRef } from "../resolve/tree.js";
import { callName } from "./vars.js";

const RULE_CALL = "rego.metadata.rule";
const CHAIN_CALL = "rego.metadata.chain";

/** The annotations of each package path (`a.b`) across every module that declares it. */
type PackageIndex = Map<string, { package: Annotation[]; subpackages: Annotation[] }>;

export function rewriteMetadataCalls(modules: Module[]): Module[] {
  if (!modules.some(mentionsMetadata)) return modules;
  const index: PackageIndex = new Map();
  for (const m of modules) {
    const key = m.package.path.join(".");
    const entry = index.get(key) ?? { package: [], subpackages: [] };
    for (const a of m.annotations) (a.scope === "subpackages" ? entry.subpackages : entry.package).push(a);
    index.set(key, entry);
  }
  return modules.map((m) => ({ ...m, rules: m.rules.map((r) => rewriteChain(r, m, index)) }));
}

function mentionsMetadata(m: Module): boolean {
  let found = false;
  const term = (t: Term) => {
    if (t.type === "call" && !found) {
      const name = callName(t.fn);
      found = name === RULE_CALL || name === CHAIN_CALL;
    }
  };
  for (const rule of m.rules) for (let r: Rule | null = rule; r && !found; r = r.else) walkRule(r, { term });
  return found;
}

/** An else chain shares its first rule's annotations. */
function rewriteChain(rule: Rule, m: Module, index: PackageIndex): Rule {
  const replace = (loc: Location, name: string): Term | undefined => {
    if (name === RULE_CALL) return toTerm(annotationObject(rule.annotations.find((a) => a.scope === "rule")) ?? {}, loc);
    if (name === CHAIN_CALL) return toTerm(chain(rule, m, index), loc);
    return undefined;
  };
  const rewrite = (r: Rule): Rule => ({
    ...r,
    head: {
      ...r.head,
      key: r.head.key && mapTerm(r.head.key, replace),
      value: r.head.value && mapTerm(r.head.value, replace),
    },
    body: mapBody(r.body, replace),
    else: r.else ? rewrite(r.else) : null,
  });
  return rewrite(rule);
}

/** OPA's chain: the rule (always), its document, its package, then each enclosing package's subpackages scope. */
function chain(rule: Rule, m: Module, index: PackageIndex): unknown[] {
  const pkg = m.package.path;
  const rulePath = [...pkg, ...splitHeadRef(rule.head.ref).prefix];
  const entries: unknown[] = [];
  const ruleScope = annotationObject(rule.annotations.find((a) => a.scope === "rule"));
  entries.push(ruleScope ? { path: rulePath, annotations: ruleScope } : { path: rulePath });
  for (const a of rule.annotations.filter((x) => x.scope === "document")) entries.push({ path: rulePath, annotations: annotationObject(a) });
  for (const a of index.get(pkg.join("."))?.package ?? []) entries.push({ path: pkg, annotations: annotationObject(a) });
  for (let n = pkg.length; n > 0; n--) {
    const path = pkg.slice(0, n);
    for (const a of index.get(path.join("."))?.subpackages ?? []) entries.push({ path, annotations: annotationObject(a) });
  }
  return entries;
}

/** An annotation as OPA marshals it: known fields only, authors and related resources in object form. */
function annotationObject(a: Annotation | undefined): Record<string, unknown> | undefined {
  if (!a) return undefined;
  const f = a.fields;
  const out: Record<string, unknown> = { scope: a.scope };
  for (const key of ["title", "description", "organizations", "schemas", "custom"]) if (f[key] !== undefined && f[key] !== null) out[key] = f[key];
  if (a.entrypoint) out.entrypoint = true;
  if (Array.isArray(f.related_resources)) {
    out.related_resources = f.related_resources.map((r) => (typeof r === "string" ? { ref: r } : r));
  }
  if (Array.isArray(f.authors)) out.authors = f.authors.map((x) => (typeof x === "string" ? author(x) : x));
  return out;
}

/** `Jane Doe <jane@example.com>` → `{name, email}`, as OPA reads the short form. */
function author(text: string): Record<string, string> {
  const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(text.trim());
  if (!m) return { name: text.trim() };
  const out: Record<string, string> = {};
  if (m[1]) out.name = m[1];
  if (m[2]) out.email = m[2];
  return out;
}

function toTerm(v: unknown, loc: Location): Term {
  if (v === null || v === undefined) return { type: "null", loc };
  if (typeof v === "boolean") return { type: "boolean", value: v, loc };
  if (typeof v === "number") return { type: "number", value: String(v), loc };
  if (typeof v === "string") return { type: "string", value: v, loc };
  if (Array.isArray(v)) return { type: "array", items: v.map((x) => toTerm(x, loc)), loc };
  return { type: "object", items: Object.entries(v as Record<string, unknown>).map(([k, x]) => [toTerm(k, loc), toTerm(x, loc)] as [Term, Term]), loc };
}

type Replace = (loc: Location, name: string) => Term | undefined;

function mapBody(body: Body, f: Replace): Body {
  return body.map((e): Expr => {
    const x = e.expr;
    const withs = e.with.map((w) => ({ ...w, value: mapTerm(w.value, f) }));
    switch (x.type) {
      case "term":
        return { ...e, expr: { type: "term", term: mapTerm(x.term, f) }, with: withs };
      case "some":
        return { ...e, with: withs };
      case "somein":
        return { ...e, expr: { ...x, domain: mapTerm(x.domain, f) }, with: withs };
      case "every":
        return { ...e, expr: { ...x, domain: mapTerm(x.domain, f), body: mapBody(x.body, f) }, with: withs };
    }
  });
}

function mapTerm(t: Term, f: Replace): Term {
  switch (t.type) {
    case "call": {
      const name = t.args.length === 0 ? callName(t.fn) : null;
      const replaced = name ? f(t.loc, name) : undefined;
      return replaced ?? { ...t, args: t.args.map((a) => mapTerm(a, f)) };
    }
    case "ref":
      return { ...t, terms: t.terms.map((x) => mapTerm(x, f)) };
    case "array":
    case "set":
      return { ...t, items: t.items.map((x) => mapTerm(x, f)) };
    case "object":
      return { ...t, items: t.items.map(([k, v]) => [mapTerm(k, f), mapTerm(v, f)] as [Term, Term]) };
    case "arraycomp":
    case "setcomp":
      return { ...t, head: mapTerm(t.head, f), body: mapBody(t.body, f) };
    case "objectcomp":
      return { ...t, key: mapTerm(t.key, f), value: mapTerm(t.value, f), body: mapBody(t.body, f) };
    default:
      return t;
  }
}
