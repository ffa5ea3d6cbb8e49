/**
 * Source instrumentation for `regent test --coverage`. After every expression of every rule
 * body (else branches and functions included) a probe is inserted: a call to the host
 * built-in `json.marshal_with_options` whose options carry a marker and whose first operand
 * lists the probe id and every local variable of the expression. The tester's host table
 * records the id and returns a string, so a probe always succeeds and never changes a result.
 *
 * Why it is sound: the probe mentions every variable of its expression, so the compiler's
 * safety reordering can never schedule it before that expression; it runs exactly when the
 * expression has been evaluated and succeeded for some binding. A rule's head is covered when
 * the probe after its last expression runs, i.e. when the rule produced a value.
 */
import type { Expr, Module, Rule, Term } from "../rego/ast.js";

export const PROBE_MARKER = "regent_coverage_probe";

export interface Probe {
  file: string;
  /** Rows marked covered when this probe runs: the expression's row, plus the head's for the last one. */
  rows: number[];
}

export interface Instrumented {
  sources: { path: string; source: string }[];
  probes: Probe[];
  /** Per file, every row that some probe can cover. */
  coverable: Map<string, Set<number>>;
}

function importName(path: Term[]): string | null {
  const last = path[path.length - 1];
  if (!last) return null;
  if (last.type === "var") return last.name;
  if (last.type === "string") return last.value;
  return null;
}

/** Names that are not local variables in a package: its rules, its imports, input and data. */
function globalNames(modules: Module[], m: Module): Set<string> {
  const names = new Set(["input", "data"]);
  const pkg = m.package.path.join(".");
  for (const other of modules) {
    if (other.package.path.join(".") !== pkg) continue;
    for (const r of other.rules) if (r.head.ref[0]?.type === "var") names.add(r.head.ref[0].name);
  }
  for (const imp of m.imports) {
    const n = imp.alias ?? importName(imp.path.terms);
    if (n) names.add(n);
  }
  return names;
}

/** Variables of a term; comprehension and `every` bodies are entered only through `inner`. */
function termVars(t: Term | null, out: Set<string>, inner: Set<string> | null): void {
  if (!t) return;
  switch (t.type) {
    case "var":
      out.add(t.name);
      return;
    case "ref":
      t.terms.forEach((x) => termVars(x, out, inner));
      return;
    case "array":
    case "set":
      t.items.forEach((x) => termVars(x, out, inner));
      return;
    case "object":
      t.items.forEach(([k, v]) => (termVars(k, out, inner), termVars(v, out, inner)));
      return;
    case "call":
      t.args.forEach((x) => termVars(x, out, inner));
      return;
    case "arraycomp":
    case "setcomp":
      if (inner) {
        termVars(t.head, inner, inner);
        t.body.forEach((e) => exprVars(e, inner, inner));
      }
      return;
    case "objectcomp":
      if (inner) {
        termVars(t.key, inner, inner);
        termVars(t.value, inner, inner);
        t.body.forEach((e) => exprVars(e, inner, inner));
      }
      return;
    default:
      return;
  }
}

function exprVars(e: Expr, out: Set<string>, inner: Set<string> | null): void {
  const x = e.expr;
  if (x.type === "term") termVars(x.term, out, inner);
  else if (x.type === "somein") {
    termVars(x.key, out, inner);
    termVars(x.value, out, inner);
    termVars(x.domain, out, inner);
  }
  else if (x.type === "every") {
    termVars(x.domain, out, inner);
    if (inner) {
      termVars(x.key, inner, inner);
      termVars(x.value, inner, inner);
      x.body.forEach((b) => exprVars(b, inner, inner));
    }
  }
  for (const w of e.with) termVars(w.value, out, inner);
}

/** Whether the rule has a real, written body, and if so whether it is in braces. */
function bodyShape(source: string, rule: Rule): "braced" | "bare" | null {
  const first = rule.body[0];
  if (!first || first.loc.offset < rule.head.loc.end) return null;
  const between = source.slice(rule.head.loc.end, first.loc.offset).replace(/#[^\n]*/g, "");
  if (/\bif\s*\{\s*$/.test(between)) return "braced";
  if (/\bif\s*$/.test(between)) return "bare";
  return null;
}

interface Edit {
  at: number;
  remove: number;
  text: string;
}

export function instrument(sources: { path: string; source: string }[], modules: Module[], isTarget: (file: string) => boolean): Instrumented {
  const probes: Probe[] = [];
  const coverable = new Map<string, Set<number>>();
  const out: { path: string; source: string }[] = [];
  const byFile = new Map(modules.map((m) => [m.file, m]));
  for (const src of sources) {
    const m = byFile.get(src.path);
    if (!m || !isTarget(src.path)) {
      out.push(src);
      continue;
    }
    const globals = globalNames(modules, m);
    const rows = new Set<number>();
    coverable.set(src.path, rows);
    const edits: Edit[] = [];
    const probeText = (id: number, vars: Set<string>): string => {
      const locals = [...vars].filter((v) => v !== "_" && !globals.has(v)).sort();
      return `json.marshal_with_options([${[id, ...locals].join(", ")}], {"${PROBE_MARKER}": true})`;
    };
    const visit = (rule: Rule): void => {
      const shape = bodyShape(src.source, rule);
      if (shape) {
        // Variables used both inside and outside comprehensions are outer variables: probes need them too.
        const outer = new Set<string>();
        const inner = new Set<string>();
        rule.body.forEach((e) => exprVars(e, outer, inner));
        const shared = new Set([...inner].filter((v) => outer.has(v)));
        const real = rule.body.filter((e) => e.expr.type !== "some");
        real.forEach((e, i) => {
          const vars = new Set<string>();
          const inside = new Set<string>();
          exprVars(e, vars, inside);
          for (const v of inside) if (shared.has(v) || (rule.head.args ?? []).some((a) => a.type === "var" && a.name === v)) vars.add(v);
          const probeRows = [e.loc.row];
          if (i === real.length - 1) probeRows.push(rule.head.loc.row);
          probeRows.forEach((r) => rows.add(r));
          const id = probes.push({ file: src.path, rows: probeRows }) - 1;
          if (shape === "braced") edits.push({ at: e.loc.end, remove: 0, text: `; ${probeText(id, vars)}` });
          else edits.push({ at: e.loc.offset, remove: e.loc.end - e.loc.offset, text: `{ ${src.source.slice(e.loc.offset, e.loc.end)}; ${probeText(id, vars)} }` });
        });
      }
      if (rule.else) visit(rule.else);
    };
    m.rules.forEach(visit);
    let text = src.source;
    for (const e of edits.sort((a, b) => b.at - a.at)) text = text.slice(0, e.at) + e.text + text.slice(e.at + e.remove);
    out.push({ path: src.path, source: text });
  }
  return { sources: out, probes, coverable };
}
