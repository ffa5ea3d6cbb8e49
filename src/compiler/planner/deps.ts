/**
 * What each rule node depends on: the data paths it reads and the functions it calls, directly and
 * transitively. Used to refuse recursion (as OPA does, at compile time) and to decide which
 * functions need a specialised copy under `with` mocks.
 */
import type { Body, Term } from "../../rego/ast.js";
import { ErrorList, RECURSION_ERROR } from "../errors.js";
import type { RuleNode } from "../resolve/tree.js";
import { callName } from "../rewrite/vars.js";

export interface Deps {
  /** Static prefixes of data refs, joined with "." (without "data."). */
  paths: Set<string>;
  /** Called functions: built-in names, and user functions as their data path joined with ".". */
  calls: Set<string>;
}

/** The rewritten clauses of each node, as the planner reads them. */
export type ClausesOf = (node: RuleNode) => { body: Body; terms: Term[] }[];

export class DependencyGraph {
  private readonly direct = new Map<RuleNode, Deps>();
  private readonly transitive = new Map<RuleNode, Deps>();

  constructor(private readonly root: RuleNode, private readonly clausesOf: ClausesOf) {}

  directDeps(node: RuleNode): Deps {
    let d = this.direct.get(node);
    if (d) return d;
    d = { paths: new Set(), calls: new Set() };
    for (const c of this.clausesOf(node)) {
      for (const t of c.terms) termDeps(t, d);
      bodyDeps(c.body, d);
    }
    this.direct.set(node, d);
    return d;
  }

  /** The rule nodes a data path reaches: the leaf it ends in, or every node below it. */
  nodesFor(path: string[]): RuleNode[] {
    let node = this.root;
    for (const key of path) {
      if (node.rules.length > 0) return [node];
      const child = node.children.get(key);
      if (!child) return [];
      node = child;
    }
    const out: RuleNode[] = [];
    const walk = (n: RuleNode) => {
      if (n.rules.length > 0) out.push(n);
      for (const c of n.children.values()) walk(c);
    };
    walk(node);
    return out;
  }

  /** Refuses recursion: reports each cycle once, as OPA's rego_recursion_error. */
  checkRecursion(errors: ErrorList): void {
    const state = new Map<RuleNode, "visiting" | "done">();
    const stack: RuleNode[] = [];
    const visit = (n: RuleNode) => {
      const s = state.get(n);
      if (s === "done") return;
      if (s === "visiting") {
        const cycle = stack.slice(stack.indexOf(n)).concat(n);
        const names = cycle.map((x) => "data." + x.path.join("."));
        const rule = n.rules[0]?.rule;
        errors.add(RECURSION_ERROR, `rule ${names[0]} is recursive: ${names.join(" -> ")}`, rule?.loc);
        return;
      }
      state.set(n, "visiting");
      stack.push(n);
      for (const m of this.successors(n)) visit(m);
      stack.pop();
      state.set(n, "done");
    };
    const all: RuleNode[] = [];
    const collect = (n: RuleNode) => {
      if (n.rules.length > 0) all.push(n);
      for (const c of n.children.values()) collect(c);
    };
    collect(this.root);
    for (const n of all) visit(n);
  }

  private successors(n: RuleNode): RuleNode[] {
    const d = this.directDeps(n);
    const out = new Set<RuleNode>();
    for (const p of d.paths) for (const m of this.nodesFor(p === "" ? [] : p.split("."))) out.add(m);
    for (const c of d.calls) {
      if (!c.startsWith("data.")) continue;
      for (const m of this.nodesFor(c.slice(5).split("."))) out.add(m);
    }
    return [...out];
  }

  /** Transitive dependencies (callers must have refused recursion first). */
  deps(n: RuleNode): Deps {
    let d = this.transitive.get(n);
    if (d) return d;
    d = { paths: new Set(this.directDeps(n).paths), calls: new Set(this.directDeps(n).calls) };
    this.transitive.set(n, d); // guards against cycles if recursion errors were ignored
    for (const m of this.successors(n)) {
      const dm = this.deps(m);
      dm.paths.forEach((p) => d!.paths.add(p));
      dm.calls.forEach((c) => d!.calls.add(c));
    }
    return d;
  }
}

export function termDeps(t: Term, d: Deps): void {
  switch (t.type) {
    case "ref": {
      const head = t.terms[0]!;
      if (head.type === "var" && head.name === "data") {
        const path: string[] = [];
        for (const x of t.terms.slice(1)) {
          // A scalar key can only reach the node of that name; a var key reaches every child.
          if (x.type === "string") path.push(x.value);
          else if (x.type === "number" || x.type === "boolean") path.push(String(x.value));
          else break;
          if (x.type !== "string") break;
        }
        d.paths.add(path.join("."));
        t.terms.slice(1).forEach((x) => termDeps(x, d));
        return;
      }
      t.terms.forEach((x) => termDeps(x, d));
      return;
    }
    case "var":
      if (t.name === "data") d.paths.add("");
      return;
    case "array":
    case "set":
      t.items.forEach((x) => termDeps(x, d));
      return;
    case "object":
      t.items.forEach(([k, v]) => {
        termDeps(k, d);
        termDeps(v, d);
      });
      return;
    case "call": {
      const name = callName(t.fn);
      if (name) d.calls.add(name);
      t.args.forEach((x) => termDeps(x, d));
      return;
    }
    case "arraycomp":
    case "setcomp":
      termDeps(t.head, d);
      bodyDeps(t.body, d);
      return;
    case "objectcomp":
      termDeps(t.key, d);
      termDeps(t.value, d);
      bodyDeps(t.body, d);
      return;
    default:
      return;
  }
}

export function bodyDeps(body: Body, d: Deps): void {
  for (const e of body) {
    const x = e.expr;
    if (x.type === "term") termDeps(x.term, d);
    else if (x.type === "somein" || x.type === "every") {
      termDeps(x.domain, d);
      if (x.key) termDeps(x.key, d);
      termDeps(x.value, d);
      if (x.type === "every") bodyDeps(x.body, d);
    }
    for (const w of e.with) {
      termDeps(w.value, d);
      termDeps(w.target, d);
    }
  }
}
