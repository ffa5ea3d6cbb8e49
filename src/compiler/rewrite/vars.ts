/**
 * Resolves every variable of a rule: imports and the package's rules become `data` refs, local
 * variables get unique names (`x$3`) that respect Rego's scoping (`some`, `:=`, function args,
 * comprehension and `every` bodies, wildcards). Later stages then treat any name with a `$` as a
 * local and compare names without thinking about scopes.
 */
import type { Body, Expr, Module, RefTerm, Rule, Term, VarTerm, With } from "../../rego/ast.js";
import { COMPILE_ERROR, ErrorList } from "../errors.js";
import { subterms } from "../subterms.js";
import { walkBody, walkTerm, type Visitor } from "../ast/walk.js";

export function originalName(id: string): string {
  const i = id.indexOf("$");
  return i < 0 ? id : id.slice(0, i);
}

export function isLocalVar(t: Term): t is VarTerm {
  return t.type === "var" && t.name.includes("$");
}

/** What a name means at module level: a data/input ref that replaces it. */
export type Globals = Map<string, RefTerm>;

export function moduleGlobals(module: Module, packageRules: Set<string>): Globals {
  const g: Globals = new Map();
  const loc = module.package.loc;
  for (const name of packageRules) {
    g.set(name, {
      type: "ref",
      loc,
      terms: [{ type: "var", name: "data", loc }, ...[...module.package.path, name].map((value) => ({ type: "string" as const, value, loc }))],
    });
  }
  for (const imp of module.imports) {
    const head = imp.path.terms[0];
    if (!head || head.type !== "var" || (head.name !== "data" && head.name !== "input")) continue;
    const last = imp.path.terms[imp.path.terms.length - 1]!;
    const alias = imp.alias ?? (last.type === "string" ? last.value : last.type === "var" ? last.name : null);
    if (alias) g.set(alias, imp.path);
  }
  return g;
}

/**
 * How a name first occurred in a scope, as OPA's RewriteLocalVars tracks it: a name may be
 * declared (`:=`, `some`, a function argument) only where it has not occurred before.
 */
type Occurrence = "seen" | "assigned" | "declared" | "arg";

const REDECLARED: Record<Occurrence, (name: string) => string> = {
  seen: (n) => `var ${n} referenced above`,
  assigned: (n) => `var ${n} assigned above`,
  declared: (n) => `var ${n} declared above`,
  arg: (n) => `arg ${n} redeclared`,
};

/** OPA's `ValueName` of a term that cannot be assigned to. */
const VALUE_NAME: Partial<Record<Term["type"], string>> = {
  null: "null", boolean: "boolean", number: "number", string: "string", ref: "ref", set: "set", call: "call",
  arraycomp: "arraycomprehension", setcomp: "setcomprehension", objectcomp: "objectcomprehension",
};

class Scope {
  readonly names = new Map<string, string>();
  /** OPA's occurrence of each name in this scope (independent of where `names` places implicit vars). */
  readonly occurrence = new Map<string, Occurrence>();
  readonly occurs: Set<string>;
  constructor(readonly parent: Scope | null, occurs: Set<string>) {
    this.occurs = occurs;
  }
}

export class VarRewriter {
  private counter = 0;
  /** The scope that owns each local var id. */
  private readonly owner = new Map<string, Scope>();
  /**
   * For each comprehension and `every` the rewriter produced: the vars it uses that belong to an
   * enclosing scope. Safety needs them bound before the closure runs.
   */
  readonly closureFree = new WeakMap<object, string[]>();

  constructor(
    private globals: Globals,
    private readonly errors: ErrorList,
    /** Whether a name is a built-in (`with count as mock` keeps `count` a function name). */
    private readonly isBuiltin: (name: string) => boolean = () => false,
  ) {}

  /** The same rewriter (same var numbering) for the next module, with that module's globals. */
  withGlobals(globals: Globals): this {
    this.globals = globals;
    return this;
  }

  fresh(name: string): string {
    return `${name}$${++this.counter}`;
  }

  /** Rewrites one clause (a rule, or one `else` of a chain, given the chain's function args). */
  rewriteRule(rule: Rule): Rule {
    // Head vars are left out of `occurs`: the body binds them, and a comprehension in the body
    // that uses the same name before the body declares it keeps a var of its own (as in OPA).
    const occurs = new Set<string>();
    const head = rule.head;
    for (const t of head.args ?? []) collectVars(t, occurs);
    collectBodyVars(rule.body, occurs);
    const scope = new Scope(null, occurs);
    // Function arguments are declared: they never resolve to package rules.
    const args = head.args?.map((a) => this.declarePattern(a, scope, "arg"));
    const body = this.rewriteBody(rule.body, scope);
    const ref = [head.ref[0]!, ...head.ref.slice(1).map((t) => this.term(t, scope))];
    const key = head.key ? this.term(head.key, scope) : null;
    const value = head.value ? this.term(head.value, scope) : null;
    return {
      ...rule,
      head: { ...head, ref, args: args ?? null, key, value },
      body,
      else: null,
    };
  }

  private rewriteBody(body: Body, scope: Scope): Body {
    return body.map((e) => this.expr(e, scope));
  }

  private expr(e: Expr, scope: Scope): Expr {
    const withs: With[] = e.with.map((w) => ({ ...w, target: this.withTarget(w.target, scope), value: this.withValue(w.value, scope) }));
    const x = e.expr;
    switch (x.type) {
      case "some": {
        const vars = x.vars.map((v) => this.declare(v, scope, "declared"));
        return { ...e, expr: { type: "some", vars }, with: withs };
      }
      case "somein": {
        const domain = this.term(x.domain, scope);
        const key = x.key ? this.declarePattern(x.key, scope, "declared") : null;
        const value = this.declarePattern(x.value, scope, "declared");
        return { ...e, expr: { type: "somein", key, value, domain }, with: withs };
      }
      case "every": {
        const domain = this.term(x.domain, scope);
        const occurs = new Set<string>();
        collectBodyVars(x.body, occurs);
        const inner = new Scope(scope, occurs);
        const key = x.key ? this.declarePattern(x.key, inner, "declared") : null;
        const value = this.declarePattern(x.value, inner, "declared");
        const body = this.rewriteBody(x.body, inner);
        const every = { type: "every" as const, key, value, domain, body };
        this.recordFree(every, inner, [body]);
        return { ...e, expr: every, with: withs };
      }
      case "term": {
        const t = x.term;
        if (t.type === "call" && isOp(t, "assign") && t.args.length === 2) {
          if (e.negated) this.errors.add(COMPILE_ERROR, "cannot assign vars inside negated expression", e.loc);
          const rhs = this.term(t.args[1]!, scope);
          const lhs = this.declarePattern(t.args[0]!, scope, "assigned");
          return { ...e, expr: { type: "term", term: { ...t, args: [lhs, rhs] } }, with: withs };
        }
        return { ...e, expr: { type: "term", term: this.term(t, scope) }, with: withs };
      }
    }
  }

  private withTarget(target: RefTerm, scope: Scope): RefTerm {
    const head = target.terms[0]!;
    if (head.type === "var" && head.name !== "input" && head.name !== "data") {
      const g = this.globals.get(head.name);
      if (g) return { ...target, terms: [...g.terms, ...target.terms.slice(1)] };
      return target; // a built-in function name such as `count` or `time.now_ns`
    }
    return { ...target, terms: [head, ...target.terms.slice(1).map((t) => this.term(t, scope))] };
  }

  /** A `with` value naming a built-in (`count`, `time.now_ns`) stays a function name. */
  private withValue(t: Term, scope: Scope): Term {
    const name = t.type === "var" ? t.name : t.type === "ref" ? callName(t) : null;
    if (name && this.isBuiltin(name) && !this.globals.has(name.split(".")[0]!)) {
      const head = name.split(".")[0]!;
      let declared = false;
      for (let s: Scope | null = scope; s; s = s.parent) if (s.names.has(head)) declared = true;
      if (!declared) return t;
    }
    return this.term(t, scope);
  }

  /**
   * Declares every var in a pattern (`x`, `[a, b]`, `{"k": v}`) as new in `scope`. Anything else
   * on the left of `:=` (`1 := x`, `[x, "a"] := y`) is not assignable, as in OPA; object keys are matched.
   */
  private declarePattern(t: Term, scope: Scope, occurrence: Occurrence): Term {
    switch (t.type) {
      case "var":
        return this.declare(t, scope, occurrence);
      case "array":
        return { ...t, items: t.items.map((i) => this.declarePattern(i, scope, occurrence)) };
      case "object":
        return { ...t, items: t.items.map(([k, v]) => [this.term(k, scope), this.declarePattern(v, scope, occurrence)] as [Term, Term]) };
      default:
        // Only `:=` assigns; arguments (`f(1) := …`) and `some … in` (`some "a" in xs`) match constants.
        if (occurrence === "assigned") this.errors.add(COMPILE_ERROR, `cannot assign to ${VALUE_NAME[t.type] ?? t.type}`, t.loc);
        return this.term(t, scope);
    }
  }

  private declare(v: VarTerm, scope: Scope, occurrence: Occurrence): VarTerm {
    if (v.name === "_") return { ...v, name: this.fresh("_") };
    if (v.name === "input" || v.name === "data") {
      this.errors.add(COMPILE_ERROR, `cannot assign to ${v.name}`, v.loc);
      return v;
    }
    const before = scope.occurrence.get(v.name);
    // A repeated argument name (`f(x, x)`) unifies, as in OPA; any other redeclaration is an error.
    if (before !== undefined && !(before === "arg" && occurrence === "arg")) {
      this.errors.add(COMPILE_ERROR, REDECLARED[before](v.name), v.loc);
    }
    if (before === "arg" && occurrence === "arg") return { ...v, name: scope.names.get(v.name)! };
    scope.occurrence.set(v.name, occurrence);
    const id = this.fresh(v.name);
    scope.names.set(v.name, id);
    this.owner.set(id, scope);
    return { ...v, name: id };
  }

  /** Whether a name has occurred in `scope` or around it (declared, or referenced as a plain var). */
  private occurred(name: string, scope: Scope): boolean {
    for (let s: Scope | null = scope; s; s = s.parent) if (s.occurrence.has(name)) return true;
    return false;
  }

  /** Records which vars of a rewritten closure belong to scopes outside `inner`. */
  private recordFree(node: object, inner: Scope, parts: (Term | Body)[]): void {
    const vars = new Set<string>();
    for (const p of parts) collectVarsDeep(p, vars);
    const free: string[] = [];
    for (const v of vars) {
      let s: Scope | null | undefined = this.owner.get(v);
      if (!s) continue;
      while (s && s !== inner) s = s.parent;
      if (!s) free.push(v);
    }
    this.closureFree.set(node, free);
  }

  private resolveVar(v: VarTerm, scope: Scope): Term {
    const name = v.name;
    if (name === "input" || name === "data") return v;
    if (name === "_") return { ...v, name: this.fresh("_") };
    // Declared (or already implicitly bound) in this scope or an enclosing one.
    let outermost: Scope | null = null;
    for (let s: Scope | null = scope; s; s = s.parent) {
      const id = s.names.get(name);
      if (id) {
        if (!this.occurred(name, scope)) scope.occurrence.set(name, "seen");
        return { ...v, name: id };
      }
      if (s.occurs.has(name)) outermost = s;
    }
    const g = this.globals.get(name);
    if (g) return { ...g, loc: v.loc };
    scope.occurrence.set(name, "seen");
    const owner = outermost ?? scope;
    const id = this.fresh(name);
    owner.names.set(name, id);
    this.owner.set(id, owner);
    return { ...v, name: id };
  }

  term(t: Term, scope: Scope): Term {
    switch (t.type) {
      case "null":
      case "boolean":
      case "number":
      case "string":
        return t;
      case "var":
        return this.resolveVar(t, scope);
      case "ref": {
        const head = this.term(t.terms[0]!, scope);
        const rest = t.terms.slice(1).map((x) => this.term(x, scope));
        if (head.type === "ref") return { ...t, terms: [...head.terms, ...rest] };
        return { ...t, terms: [head, ...rest] };
      }
      case "array":
        return { ...t, items: t.items.map((i) => this.term(i, scope)) };
      case "set":
        return { ...t, items: t.items.map((i) => this.term(i, scope)) };
      case "object":
        return { ...t, items: t.items.map(([k, v]) => [this.term(k, scope), this.term(v, scope)] as [Term, Term]) };
      case "call": {
        const fn = this.callTarget(t.fn);
        return { ...t, fn, args: t.args.map((a) => this.term(a, scope)) };
      }
      case "arraycomp":
      case "setcomp": {
        const inner = this.closureScope(scope, [t.head], t.body);
        const body = this.rewriteBody(t.body, inner);
        const c = { ...t, head: this.term(t.head, inner), body };
        this.recordFree(c, inner, [c.head, body]);
        return c;
      }
      case "objectcomp": {
        const inner = this.closureScope(scope, [t.key, t.value], t.body);
        const body = this.rewriteBody(t.body, inner);
        const c = { ...t, key: this.term(t.key, inner), value: this.term(t.value, inner), body };
        this.recordFree(c, inner, [c.key, c.value, body]);
        return c;
      }
    }
  }

  private closureScope(scope: Scope, heads: Term[], body: Body): Scope {
    const occurs = new Set<string>();
    for (const h of heads) collectVars(h, occurs);
    collectBodyVars(body, occurs);
    return new Scope(scope, occurs);
  }

  private callTarget(fn: RefTerm): RefTerm {
    const head = fn.terms[0]!;
    if (head.type === "var" && head.name !== "data") {
      const g = this.globals.get(head.name);
      if (g && g.terms[0]?.type === "var" && (g.terms[0] as VarTerm).name === "data") {
        return { ...fn, terms: [...g.terms, ...fn.terms.slice(1)] };
      }
    }
    return fn;
  }
}

export function isOp(t: Term, name: string): boolean {
  return t.type === "call" && t.fn.terms.length === 1 && t.fn.terms[0]!.type === "var" && (t.fn.terms[0] as VarTerm).name === name;
}

/** The dotted name of a call's function ref when it is a plain name path (`time.now_ns`), else null. */
export function callName(fn: RefTerm): string | null {
  const parts: string[] = [];
  for (let i = 0; i < fn.terms.length; i++) {
    const t = fn.terms[i]!;
    if (i === 0 && t.type === "var") parts.push(t.name);
    else if (i > 0 && t.type === "string") parts.push(t.value);
    else return null;
  }
  return parts.join(".");
}

/** Var names in a term, not descending into closures (comprehensions keep their own scope). */
export function collectVars(t: Term, out: Set<string>): void {
  if (t.type === "var") out.add(t.name);
  else for (const x of subterms(t)) collectVars(x, out);
}

/** Every var in a term or body, closures included (and the vars `some` declares). */
export function collectVarsDeep(x: Term | Body, out: Set<string>): void {
  const visitor: Visitor = {
    expr: (e) => {
      if (e.expr.type === "some") for (const v of e.expr.vars) out.add(v.name);
    },
    term: (t) => {
      if (t.type === "var") out.add(t.name);
    },
  };
  if (Array.isArray(x)) walkBody(x, visitor);
  else walkTerm(x, visitor);
}

/**
 * The vars a body mentions implicitly. Vars declared with `some` or `:=` are left out: they belong
 * to the scope only from their declaration on, so a comprehension before it keeps its own var.
 */
function collectBodyVars(body: Body, out: Set<string>): void {
  for (const e of body) {
    const x = e.expr;
    switch (x.type) {
      case "term":
        if (isOp(x.term, "assign") && x.term.type === "call") collectVars(x.term.args[1]!, out);
        else collectVars(x.term, out);
        break;
      case "some":
        break;
      case "somein":
      case "every":
        collectVars(x.domain, out);
        break;
    }
    for (const w of e.with) collectVars(w.value, out);
  }
}
