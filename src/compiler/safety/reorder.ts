/**
 * Safety: reorders each body so that every variable is bound before it is used (OPA's
 * reorderBodyForSafety), recursing into comprehension and `every` bodies, and reports the
 * variables that nothing binds as `rego_unsafe_var_error`.
 */
import type { Body, Expr, Rule, Term } from "../../rego/ast.js";
import { ErrorList, UNSAFE_VAR_ERROR } from "../errors.js";
import { collectVars, isLocalVar, isOp, originalName } from "../rewrite/vars.js";
import { subterms } from "../subterms.js";

/** Tells how many operands a callable takes (built-in or user function), or -1 when unknown. */
export type ArityOf = (fn: Term & { type: "call" }) => number;

export class Safety {
  constructor(
    private readonly errors: ErrorList,
    private readonly arityOf: ArityOf,
    /** Free (outer-scope) vars of each comprehension or `every`, from the var rewriter. */
    private readonly closureFree: WeakMap<object, string[]>,
  ) {}

  checkRule(rule: Rule): Rule {
    const bound = new Set<string>();
    for (const a of rule.head.args ?? []) addVars(a, bound);
    const body = this.reorder(rule.body, bound);
    const head = rule.head;
    const headTerms = [...head.ref.slice(1), ...(head.key ? [head.key] : []), ...(head.value ? [head.value] : [])];
    const unsafe = new Map<string, Term>();
    for (const t of headTerms) {
      this.unboundIn(t, bound, unsafe);
      this.fixClosures(t, bound);
    }
    for (const [name, t] of unsafe) this.errors.add(UNSAFE_VAR_ERROR, `var ${originalName(name)} is unsafe`, t.loc);
    return { ...rule, body };
  }

  /** Reorders `body` given the vars already bound; adds the vars it binds to `bound`. */
  reorder(body: Body, bound: Set<string>): Body {
    const remaining = [...body];
    const out: Expr[] = [];
    while (remaining.length > 0) {
      const i = remaining.findIndex((e) => this.ready(e, bound));
      if (i < 0) {
        const unsafe = new Map<string, Term>();
        for (const e of remaining) this.unboundInExpr(e, bound, unsafe);
        for (const [name, t] of unsafe) this.errors.add(UNSAFE_VAR_ERROR, `var ${originalName(name)} is unsafe`, t.loc);
        // Keep the rest in order so later stages still see a complete body.
        out.push(...remaining);
        return out;
      }
      const e = remaining.splice(i, 1)[0]!;
      out.push(this.fixExpr(e, bound));
      this.bind(e, bound);
    }
    return out;
  }

  /** Whether `e` can be evaluated with the vars in `bound`. */
  private ready(e: Expr, bound: Set<string>): boolean {
    if (!e.with.every((w) => isFunctionName(w.value) || this.canEval(w.value, bound))) return false;
    const x = e.expr;
    if (e.negated) {
      const vars = new Set<string>();
      exprVars(e, vars, this.closureFree);
      for (const v of vars) if (!bound.has(v) && !isWildcard(v)) return false;
      return this.closuresReady(e, bound);
    }
    switch (x.type) {
      case "some":
        return true;
      case "somein":
        return this.canEval(x.domain, bound);
      case "every":
        return this.canEval(x.domain, bound) && (this.closureFree.get(x) ?? []).every((v) => bound.has(v));
      case "term": {
        const t = x.term;
        if (t.type !== "call") return this.canEval(t, bound);
        if (isOp(t, "eq")) return this.canUnify(t.args[0]!, t.args[1]!, bound);
        if (isOp(t, "assign")) return this.canEval(t.args[1]!, bound);
        const arity = this.arityOf(t);
        const inputs = arity >= 0 && t.args.length === arity + 1 ? t.args.slice(0, arity) : t.args;
        return inputs.every((a) => this.canEval(a, bound));
      }
    }
  }

  private closuresReady(e: Expr, bound: Set<string>): boolean {
    let ok = true;
    forEachClosure(e, (c) => {
      for (const v of this.closureFree.get(c) ?? []) if (!bound.has(v)) ok = false;
    });
    return ok;
  }

  canUnify(a: Term, b: Term, bound: Set<string>): boolean {
    if (this.canEval(a, bound) || this.canEval(b, bound)) return true;
    if (a.type === "array" && b.type === "array" && a.items.length === b.items.length) {
      // Pairwise: each pair must be unifiable once the earlier pairs bound their vars.
      const tmp = new Set(bound);
      const pending = a.items.map((x, i) => [x, b.items[i]!] as const);
      let progress = true;
      while (pending.length > 0 && progress) {
        progress = false;
        for (let i = 0; i < pending.length; i++) {
          const [x, y] = pending[i]!;
          if (this.canUnify(x, y, tmp)) {
            addVars(x, tmp);
            addVars(y, tmp);
            pending.splice(i, 1);
            progress = true;
            break;
          }
        }
      }
      return pending.length === 0;
    }
    if (a.type === "object" && b.type === "object" && a.items.length === b.items.length) {
      return a.items.every(([k]) => this.canEval(k, bound)) && b.items.every(([k]) => this.canEval(k, bound));
    }
    return false;
  }

  /** A term is evaluable when its vars are bound, except ref path vars, which a scan binds. */
  canEval(t: Term, bound: Set<string>): boolean {
    switch (t.type) {
      case "null":
      case "boolean":
      case "number":
      case "string":
        return true;
      case "var":
        return t.name === "input" || t.name === "data" || bound.has(t.name);
      case "ref": {
        const [head, ...path] = t.terms;
        if (!head || !this.canEval(head, bound)) return false;
        // Path vars may be unbound (a scan binds them); composite keys must be evaluable.
        return path.every((p) => p.type === "var" || this.canEval(p, bound) || isPattern(p));
      }
      case "array":
      case "set":
        return t.items.every((i) => this.canEval(i, bound));
      case "object":
        return t.items.every(([k, v]) => this.canEval(k, bound) && this.canEval(v, bound));
      case "call":
        return t.args.every((a) => this.canEval(a, bound));
      case "arraycomp":
      case "setcomp":
      case "objectcomp":
        return (this.closureFree.get(t) ?? []).every((v) => bound.has(v));
    }
  }

  /** Adds the vars that evaluating `e` binds. */
  private bind(e: Expr, bound: Set<string>): void {
    if (e.negated) return;
    const x = e.expr;
    switch (x.type) {
      case "some":
      case "every":
        return;
      case "somein":
        if (x.key) addVars(x.key, bound);
        addVars(x.value, bound);
        addVars(x.domain, bound);
        return;
      case "term":
        addVars(x.term, bound);
        return;
    }
  }

  /** Reorders the bodies of the closures inside an expression, now that we know what is bound. */
  private fixExpr(e: Expr, bound: Set<string>): Expr {
    const x = e.expr;
    switch (x.type) {
      case "some":
        return e;
      case "somein":
        this.fixClosures(x.domain, bound);
        return e;
      case "every": {
        const inner = new Set(bound);
        if (x.key) addVars(x.key, inner);
        addVars(x.value, inner);
        this.fixClosures(x.domain, bound);
        return { ...e, expr: { ...x, body: this.reorder(x.body, inner) } };
      }
      case "term":
        this.fixClosures(x.term, bound);
        for (const w of e.with) this.fixClosures(w.value, bound);
        return e;
    }
  }

  /** Reorders comprehension bodies in place (the comprehension nodes are this compile's own copies). */
  fixClosures(t: Term, bound: Set<string>): void {
    forEachClosureInTerm(t, (c) => {
      const inner = new Set(bound);
      const body = this.reorder(c.body, inner);
      c.body.splice(0, c.body.length, ...body);
      const heads = c.type === "objectcomp" ? [c.key, c.value] : [c.head];
      const unsafe = new Map<string, Term>();
      for (const h of heads) {
        this.unboundIn(h, inner, unsafe);
        this.fixClosures(h, inner);
      }
      for (const [name, v] of unsafe) this.errors.add(UNSAFE_VAR_ERROR, `var ${originalName(name)} is unsafe`, v.loc);
    });
  }

  private unboundInExpr(e: Expr, bound: Set<string>, out: Map<string, Term>): void {
    const x = e.expr;
    const terms: Term[] = [];
    if (x.type === "term") terms.push(x.term);
    if (x.type === "somein") terms.push(x.domain);
    if (x.type === "every") terms.push(x.domain);
    for (const w of e.with) terms.push(w.value);
    for (const t of terms) this.unboundIn(t, bound, out);
    if (out.size === 0) {
      // Only closures' free vars are missing: name them.
      forEachClosure(e, (c) => {
        for (const v of this.closureFree.get(c) ?? []) if (!bound.has(v) && !out.has(v)) out.set(v, (c as { loc: Term["loc"] }) as unknown as Term);
      });
    }
  }

  private unboundIn(t: Term, bound: Set<string>, out: Map<string, Term>): void {
    walkVars(t, (v) => {
      if (isLocalVar(v) && !bound.has(v.name) && !isWildcard(v.name) && !out.has(v.name)) out.set(v.name, v);
    });
  }
}

/** An array or object of scalars and vars (a ref key a scan can unify with). */
function isPattern(t: Term): boolean {
  switch (t.type) {
    case "var":
    case "null":
    case "boolean":
    case "number":
    case "string":
      return true;
    case "array":
      return t.items.every(isPattern);
    case "object":
      return t.items.every(([k, v]) => k.type !== "var" && isPattern(k) && isPattern(v));
    default:
      return false;
  }
}

/** A `with` value naming a function (`count`, `time.now_ns`): the var rewriter left it unrenamed. */
function isFunctionName(t: Term): boolean {
  const head = t.type === "ref" ? t.terms[0] : t;
  return !!head && head.type === "var" && !head.name.includes("$") && head.name !== "input" && head.name !== "data";
}

export function isWildcard(name: string): boolean {
  return name.startsWith("_$");
}

function addVars(t: Term, out: Set<string>): void {
  collectVars(t, out);
}

function walkVars(t: Term, f: (v: Term & { type: "var" }) => void): void {
  if (t.type === "var") f(t);
  else for (const x of subterms(t)) walkVars(x, f);
}

type Closure = Extract<Term, { type: "arraycomp" | "setcomp" | "objectcomp" }>;

function forEachClosureInTerm(t: Term, f: (c: Closure) => void): void {
  if (t.type === "arraycomp" || t.type === "setcomp" || t.type === "objectcomp") f(t);
  else for (const x of subterms(t)) forEachClosureInTerm(x, f);
}

function forEachClosure(e: Expr, f: (c: object) => void): void {
  const x = e.expr;
  if (x.type === "term") forEachClosureInTerm(x.term, f);
  if (x.type === "somein") forEachClosureInTerm(x.domain, f);
  if (x.type === "every") {
    forEachClosureInTerm(x.domain, f);
    f(x);
  }
  for (const w of e.with) forEachClosureInTerm(w.value, f);
}

/** All vars an expression mentions, including the free vars of its closures. */
function exprVars(e: Expr, out: Set<string>, closureFree: WeakMap<object, string[]>): void {
  const x = e.expr;
  if (x.type === "term") collectVars(x.term, out);
  if (x.type === "somein") {
    collectVars(x.domain, out);
    if (x.key) collectVars(x.key, out);
    collectVars(x.value, out);
  }
  if (x.type === "every") collectVars(x.domain, out);
  forEachClosure(e, (c) => (closureFree.get(c) ?? []).forEach((v) => out.add(v)));
  for (const k of [...out]) if (!k.includes("$")) out.delete(k);
}
