/**
 * Plans bodies, expressions and terms into IR statements, in continuation-passing style: planning
 * a term that enumerates (a ref with an unbound key, `some x in xs`) opens a Scan whose block holds
 * the rest of the body. Failure of any statement leaves the innermost block, which is how
 * Rego's "undefined" and backtracking map onto structured control flow.
 */
import type { Body, Expr, RefTerm, Term, VarTerm, With } from "../../rego/ast.js";
import { JSON_TEXT_BUILTINS, jsonTextAlias, lookupBuiltin } from "../../builtins/decls.js";
import type { Local, Operand } from "../ir/ir.js";
import { COMPILE_ERROR, TYPE_ERROR, UNSAFE_VAR_ERROR } from "../errors.js";
import { lookupNode, type RuleNode } from "../resolve/tree.js";
import { callName, isOp, originalName } from "../rewrite/vars.js";
import { FuncBuilder } from "./builder.js";
import { subterms } from "../subterms.js";
import { funcMockFor, mocksBelow, ruleMockFor, type Mock, type MockContext } from "./mocks.js";
import type { PolicyPlanner } from "./policy.js";

type Cont = () => void;
type OpCont = (op: Operand) => void;
type LocalCont = (l: Local) => void;

const local = (l: Local): Operand => ({ type: "local", local: l });

export class FuncPlanner {
  /** Local var id → the local that holds its value. */
  readonly vars = new Map<string, Local>();
  /** The locals that currently stand for input and data (a `with` swaps them at plan time). */
  inputLocal: Local = 0;
  dataLocal: Local = 1;

  constructor(
    readonly p: PolicyPlanner,
    readonly b: FuncBuilder,
    public ctx: MockContext,
    /** The local holding each slot of `ctx`. */
    public slotLocals: Local[],
  ) {}

  // -------------------------------------------------------------------------
  // Bodies and expressions
  // -------------------------------------------------------------------------

  body(body: Body, cont: Cont, i = 0): void {
    if (i >= body.length) return cont();
    const e = body[i]!;
    this.withLoc(e, () => this.expr(e, () => this.body(body, cont, i + 1)));
  }

  private withLoc(e: Expr, f: () => void): void {
    const saved = this.b.loc;
    this.b.loc = { file: e.loc.file, row: e.loc.row, col: e.loc.col };
    f();
    this.b.loc = saved;
  }

  expr(e: Expr, cont: Cont): void {
    if (e.with.length > 0) return this.withs(e, e.with, 0, cont);
    if (e.negated) return this.not(e, cont);
    const x = e.expr;
    switch (x.type) {
      case "some":
        return cont();
      case "somein":
        return this.someIn(x.key, x.value, x.domain, cont);
      case "every":
        return this.every(x.key, x.value, x.domain, x.body, cont);
      case "term":
        return this.termExpr(x.term, cont);
    }
  }

  private termExpr(t: Term, cont: Cont): void {
    if (t.type === "call") {
      if (isOp(t, "eq") || isOp(t, "assign")) return this.unify(t.args[0]!, t.args[1]!, cont);
      if (isOp(t, "equal") && t.args.length === 2) {
        return this.term(t.args[0]!, (a) => this.term(t.args[1]!, (b) => {
          this.b.emit({ type: "Equal", a, b });
          cont();
        }));
      }
      if (isOp(t, "neq") && t.args.length === 2) {
        return this.term(t.args[0]!, (a) => this.term(t.args[1]!, (b) => {
          this.b.emit({ type: "NotEqual", a, b });
          cont();
        }));
      }
      const name = callName(t.fn);
      if (name === "print" || name === "internal.print") return cont();
      const arity = this.p.arityOf(t);
      if (arity >= 0 && t.args.length === arity + 1) {
        // The last argument is an output: `count(xs, n)` binds n.
        const out = t.args[arity]!;
        return this.call({ ...t, args: t.args.slice(0, arity) }, (r) => this.unifyOperand(out, r, cont), true);
      }
    }
    this.term(t, (op) => {
      this.b.emit({ type: "NotEqual", a: op, b: { type: "bool", value: false } });
      cont();
    });
  }

  /** `not e`: succeeds when e has no solution. A flag records a solution; the block is left at once. */
  private not(e: Expr, cont: Cont): void {
    const found = this.b.local();
    this.b.emit({ type: "ResetLocal", target: found });
    this.b.block((depth) => {
      this.expr({ ...e, negated: false }, () => {
        this.b.emit({ type: "AssignVar", source: { type: "bool", value: true }, target: found });
        this.b.breakTo(depth);
      });
    });
    this.b.emit({ type: "IsUndefined", source: found });
    cont();
  }

  private someIn(key: Term | null, value: Term, domain: Term, cont: Cont): void {
    this.termLocal(domain, (d) => {
      const k = this.b.local();
      const v = this.b.local();
      const block = { stmts: [] };
      this.b.emit({ type: "Scan", source: d, key: k, value: v, block });
      this.b.inBlock(block, () => {
        const rest = () => this.unifyOperand(value, local(v), cont);
        if (key) this.unifyOperand(key, local(k), rest);
        else rest();
      });
    });
  }

  /**
   * `every k, v in xs { body }`: fails when some element makes the body undefined, and when the
   * domain is not a collection (as OPA's planner: `every` over a string, number or null is
   * undefined, never vacuously true).
   */
  private every(key: Term | null, value: Term, domain: Term, body: Body, cont: Cont): void {
    this.termLocal(domain, (d) => {
      this.b.block((outer) => {
        for (const type of ["IsArray", "IsObject", "IsSet"] as const) {
          this.b.block(() => {
            this.b.emit({ type, source: local(d) });
            this.b.breakTo(outer);
          });
        }
        // No collection: leave the enclosing block too, so that the expression is undefined.
        this.b.breakTo(outer - 1);
      });
      const failed = this.b.local();
      this.b.emit({ type: "ResetLocal", target: failed });
      this.b.block((outer) => {
        const k = this.b.local();
        const v = this.b.local();
        const block = { stmts: [] };
        this.b.emit({ type: "Scan", source: d, key: k, value: v, block });
        this.b.inBlock(block, () => {
          const check = () => {
            const ok = this.b.local();
            this.b.emit({ type: "ResetLocal", target: ok });
            this.b.block((inner) => {
              this.body(body, () => {
                this.b.emit({ type: "AssignVar", source: { type: "bool", value: true }, target: ok });
                this.b.breakTo(inner);
              });
            });
            this.b.emit({ type: "IsUndefined", source: ok });
            this.b.emit({ type: "AssignVar", source: { type: "bool", value: true }, target: failed });
            this.b.breakTo(outer);
          };
          const bindValue = () => this.unifyOperand(value, local(v), check);
          if (key) this.unifyOperand(key, local(k), bindValue);
          else bindValue();
        });
      });
      this.b.emit({ type: "IsUndefined", source: failed });
      cont();
    });
  }

  // -------------------------------------------------------------------------
  // with
  // -------------------------------------------------------------------------

  private withs(e: Expr, ws: With[], i: number, cont: Cont): void {
    if (i >= ws.length) {
      const inner: Expr = { ...e, with: [] };
      return this.expr(inner, cont);
    }
    const w = ws[i]!;
    const target = w.target;
    const head = target.terms[0] as VarTerm;
    const path = target.terms.slice(1);
    const next = (c: Cont) => this.withs(e, ws, i + 1, c);

    if (head.type === "var" && (head.name === "input" || head.name === "data")) {
      const keys: string[] = [];
      for (const t of path) {
        if (t.type !== "string") {
          this.p.errors.add(COMPILE_ERROR, `with keyword target must reference existing input, data, or a function`, w.loc);
          return;
        }
        keys.push(t.value);
      }
      if (head.name === "data" && this.p.touchesRules(keys)) return this.withRuleMock(keys, w.value, next, cont);
      if (head.name === "data" && this.p.isFunction(keys)) return this.withFuncMock("data." + keys.join("."), w.value, next, cont);
      return this.term(w.value, (val) => {
        const isInput = head.name === "input";
        const current = isInput ? this.inputLocal : this.dataLocal;
        // Always a With statement, even for the whole document: memoised rules must know at run
        // time that input or data is not the evaluation's own.
        const replaced = this.b.local();
        this.b.emit({ type: "AssignVar", source: local(current), target: replaced });
        const block = { stmts: [] };
        this.b.emit({ type: "With", local: replaced, path: keys.map((k) => this.p.str(k)), value: val, block });
        this.b.inBlock(block, () => this.swapRoot(isInput, replaced, next, cont));
      });
    }
    const name = callName(target);
    if (name && (lookupBuiltin(name) || name.startsWith("data."))) return this.withFuncMock(name, w.value, next, cont);
    this.p.errors.add(COMPILE_ERROR, `with keyword target must reference existing input, data, or a function`, w.loc);
  }

  /** Plans `inner` with input (or data) standing for `replaced`, and the continuation without. */
  private swapRoot(isInput: boolean, replaced: Local, inner: (c: Cont) => void, cont: Cont): void {
    const saved = isInput ? this.inputLocal : this.dataLocal;
    const set = (l: Local) => (isInput ? (this.inputLocal = l) : (this.dataLocal = l));
    set(replaced);
    inner(() => {
      set(saved);
      cont();
      set(replaced);
    });
    set(saved);
  }

  private withRuleMock(path: string[], value: Term, inner: (c: Cont) => void, cont: Cont): void {
    this.termLocal(value, (v) => this.pushMock({ kind: "rule", path, target: { type: "slot", slot: -1 } }, v, inner, cont));
  }

  private withFuncMock(name: string, value: Term, inner: (c: Cont) => void, cont: Cont): void {
    // Replacement by another function (user or built-in) is static; by a value, a slot.
    const vname = value.type === "ref" || value.type === "var" ? callName(value.type === "var" ? { type: "ref", terms: [value], loc: value.loc } : value) : null;
    if (vname && vname.startsWith("data.")) {
      const node = lookupNode(this.p.tree, vname.slice(5).split("."));
      if (node && node.kind === "function") return this.pushMock({ kind: "func", name, target: { type: "func", node } }, null, inner, cont);
    } else if (vname && lookupBuiltin(vname)) {
      return this.pushMock({ kind: "func", name, target: { type: "builtin", name: vname } }, null, inner, cont);
    }
    this.termLocal(value, (v) => this.pushMock({ kind: "func", name, target: { type: "slot", slot: -1 } }, v, inner, cont));
  }

  /** Plans `inner` under one more mock; the continuation runs under the previous context. */
  private pushMock(mock: Mock, value: Local | null, inner: (c: Cont) => void, cont: Cont): void {
    const saved = { ctx: this.ctx, slots: this.slotLocals };
    const slots = [...this.slotLocals];
    let m = mock;
    if (value !== null) {
      m = { ...mock, target: { type: "slot", slot: slots.length } } as Mock;
      slots.push(value);
    }
    const mocked = { ctx: { mocks: [...this.ctx.mocks, m], slots: slots.length }, slots };
    const set = (s: { ctx: MockContext; slots: Local[] }) => {
      this.ctx = s.ctx;
      this.slotLocals = s.slots;
    };
    set(mocked);
    inner(() => {
      set(saved);
      cont();
      set(mocked);
    });
    set(saved);
  }

  // -------------------------------------------------------------------------
  // Unification
  // -------------------------------------------------------------------------

  private isUnboundVar(t: Term): t is VarTerm {
    return t.type === "var" && t.name !== "input" && t.name !== "data" && !this.vars.has(t.name);
  }

  /** Whether a term can be evaluated now (ref keys may be unbound: they are enumerated). */
  canEval(t: Term): boolean {
    switch (t.type) {
      case "var":
        return t.name === "input" || t.name === "data" || this.vars.has(t.name);
      case "ref":
        return this.canEval(t.terms[0]!) && t.terms.slice(1).every((x) => x.type === "var" || this.canEval(x) || hasUnboundPatternVars(x, this));
      case "array":
      case "set":
        return t.items.every((x) => this.canEval(x));
      case "object":
        return t.items.every(([k, v]) => this.canEval(k) && this.canEval(v));
      case "call":
        return t.args.every((x) => this.canEval(x));
      default:
        return true;
    }
  }

  unify(a: Term, b: Term, cont: Cont): void {
    if (this.isUnboundVar(a)) return this.term(b, (op) => this.bind(a, op, cont));
    if (this.isUnboundVar(b)) return this.term(a, (op) => this.bind(b, op, cont));
    if (this.canEval(a) && !hasUnboundPatternVars(a, this)) return this.term(a, (op) => this.unifyOperand(b, op, cont));
    if (this.canEval(b) && !hasUnboundPatternVars(b, this)) return this.term(b, (op) => this.unifyOperand(a, op, cont));
    const pairs = this.pairs(a, b);
    if (pairs === "mismatch") return this.fail();
    if (pairs) return this.unifyPairs(pairs, cont);
    if (this.canEval(a)) return this.term(a, (op) => this.unifyOperand(b, op, cont));
    if (this.canEval(b)) return this.term(b, (op) => this.unifyOperand(a, op, cont));
    this.unsafe(a, b);
  }

  /** Two composite patterns of the same shape, as pairs of terms to unify; null if not both composite. */
  private pairs(a: Term, b: Term): [Term, Term][] | "mismatch" | null {
    if (a.type === "array" && b.type === "array") {
      if (a.items.length !== b.items.length) return "mismatch";
      return a.items.map((x, i) => [x, b.items[i]!]);
    }
    if (a.type === "object" && b.type === "object") {
      if (a.items.length !== b.items.length) return "mismatch";
      const key = (t: Term) => (t.type === "string" || t.type === "number" || t.type === "boolean" || t.type === "null" ? JSON.stringify([t.type, "value" in t ? t.value : null]) : null);
      const out: [Term, Term][] = [];
      for (const [ka, va] of a.items) {
        const k = key(ka);
        if (k === null) return null;
        const match = b.items.find(([kb]) => key(kb) === k);
        if (!match) return "mismatch";
        out.push([va, match[1]]);
      }
      return out;
    }
    return null;
  }

  /** Unifies pairs, each as soon as one of its sides can be evaluated (or both are patterns). */
  private unifyPairs(pairs: [Term, Term][], cont: Cont): void {
    if (pairs.length === 0) return cont();
    let i = pairs.findIndex(([x, y]) => this.canEval(x) || this.canEval(y));
    if (i < 0) i = pairs.findIndex(([x, y]) => this.pairs(x, y) !== null);
    if (i < 0) return this.unsafe(pairs[0]![0], pairs[0]![1]);
    const [x, y] = pairs[i]!;
    const rest = pairs.filter((_, j) => j !== i);
    this.unify(x, y, () => this.unifyPairs(rest, cont));
  }

  /** Emits a statement that always fails (for statically impossible unifications). */
  private fail(): void {
    this.b.emit({ type: "Equal", a: { type: "bool", value: true }, b: { type: "bool", value: false } });
  }

  private unsafe(...terms: Term[]): void {
    for (const t of terms) {
      const v = firstUnbound(t, this);
      if (v) {
        this.p.errors.add(UNSAFE_VAR_ERROR, `var ${originalName(v.name)} is unsafe`, v.loc);
        return;
      }
    }
    this.p.errors.add(UNSAFE_VAR_ERROR, `expression is unsafe`, terms[0]?.loc);
  }

  private bind(v: VarTerm, op: Operand, cont: Cont): void {
    let l: Local;
    if (op.type === "local") l = op.local;
    else {
      l = this.b.local();
      this.b.emit({ type: "AssignVar", source: op, target: l });
    }
    this.vars.set(v.name, l);
    cont();
  }

  /** Unifies a term (possibly a pattern with unbound vars) with a value. */
  unifyOperand(t: Term, op: Operand, cont: Cont): void {
    if (this.isUnboundVar(t)) return this.bind(t, op, cont);
    if (t.type === "array" && hasUnboundPatternVars(t, this)) {
      return this.asLocal(op, (l) => {
        this.checkShape(l, "IsArray", t.items.length);
        const step = (i: number): void => {
          if (i >= t.items.length) return cont();
          const idx = this.b.local();
          this.b.emit({ type: "MakeNumberInt", value: i, target: idx });
          const el = this.b.local();
          this.b.emit({ type: "Dot", source: local(l), key: local(idx), target: el });
          this.unifyOperand(t.items[i]!, local(el), () => step(i + 1));
        };
        step(0);
      });
    }
    if (t.type === "object" && hasUnboundPatternVars(t, this)) {
      return this.asLocal(op, (l) => {
        this.checkShape(l, "IsObject", t.items.length);
        const step = (i: number): void => {
          if (i >= t.items.length) return cont();
          const [k, v] = t.items[i]!;
          this.term(k, (kop) => {
            const el = this.b.local();
            this.b.emit({ type: "Dot", source: local(l), key: kop, target: el });
            this.unifyOperand(v, local(el), () => step(i + 1));
          });
        };
        step(0);
      });
    }
    if (!this.canEval(t)) return this.unsafe(t);
    this.term(t, (top) => {
      this.b.emit({ type: "Equal", a: top, b: op });
      cont();
    });
  }

  /** Fails unless the value in `l` is an array (or object) with exactly `n` elements. */
  private checkShape(l: Local, is: "IsArray" | "IsObject", n: number): void {
    this.b.emit({ type: is, source: local(l) });
    const len = this.b.local();
    this.b.emit({ type: "Len", source: local(l), target: len });
    const want = this.b.local();
    this.b.emit({ type: "MakeNumberInt", value: n, target: want });
    this.b.emit({ type: "Equal", a: local(len), b: local(want) });
  }

  private asLocal(op: Operand, f: LocalCont): void {
    if (op.type === "local") return f(op.local);
    const l = this.b.local();
    this.b.emit({ type: "AssignVar", source: op, target: l });
    f(l);
  }

  // -------------------------------------------------------------------------
  // Terms
  // -------------------------------------------------------------------------

  termLocal(t: Term, f: LocalCont): void {
    this.term(t, (op) => this.asLocal(op, f));
  }

  /** Plans a sequence of terms, each possibly enumerating, then calls `f` with their operands. */
  terms(ts: Term[], f: (ops: Operand[]) => void): void {
    const ops: Operand[] = [];
    const step = (i: number): void => {
      if (i >= ts.length) return f(ops);
      this.term(ts[i]!, (op) => {
        ops[i] = op;
        step(i + 1);
      });
    };
    step(0);
  }

  term(t: Term, cont: OpCont): void {
    switch (t.type) {
      case "null": {
        const l = this.b.local();
        this.b.emit({ type: "MakeNull", target: l });
        return cont(local(l));
      }
      case "boolean":
        return cont({ type: "bool", value: t.value });
      case "number":
        return cont(local(this.number(t.value)));
      case "string":
        return cont({ type: "string", index: this.p.str(t.value) });
      case "var": {
        if (t.name === "input") {
          this.b.emit({ type: "IsDefined", source: this.inputLocal });
          return cont(local(this.inputLocal));
        }
        if (t.name === "data") return this.dataRef([], cont);
        const l = this.vars.get(t.name);
        if (l === undefined) return this.unsafe(t);
        return cont(local(l));
      }
      case "ref":
        return this.ref(t, cont);
      case "array":
        return this.terms(t.items, (ops) => {
          const l = this.b.local();
          this.b.emit({ type: "MakeArray", capacity: ops.length, target: l });
          for (const op of ops) this.b.emit({ type: "ArrayAppend", array: l, value: op });
          cont(local(l));
        });
      case "set":
        return this.terms(t.items, (ops) => {
          const l = this.b.local();
          this.b.emit({ type: "MakeSet", target: l });
          for (const op of ops) this.b.emit({ type: "SetAdd", set: l, value: op });
          cont(local(l));
        });
      case "object": {
        const flat = t.items.flatMap(([k, v]) => [k, v]);
        return this.terms(flat, (ops) => {
          const l = this.b.local();
          this.b.emit({ type: "MakeObject", target: l });
          for (let i = 0; i < ops.length; i += 2) {
            this.b.emit({ type: "ObjectInsertOnce", object: l, key: ops[i]!, value: ops[i + 1]!, message: "object keys must be unique" });
          }
          cont(local(l));
        });
      }
      case "arraycomp": {
        const l = this.b.local();
        this.b.emit({ type: "MakeArray", capacity: 0, target: l });
        this.b.block(() => this.body(t.body, () => this.term(t.head, (h) => this.b.emit({ type: "ArrayAppend", array: l, value: h }))));
        return cont(local(l));
      }
      case "setcomp": {
        const l = this.b.local();
        this.b.emit({ type: "MakeSet", target: l });
        this.b.block(() => this.body(t.body, () => this.term(t.head, (h) => this.b.emit({ type: "SetAdd", set: l, value: h }))));
        return cont(local(l));
      }
      case "objectcomp": {
        const l = this.b.local();
        this.b.emit({ type: "MakeObject", target: l });
        this.b.block(() =>
          this.body(t.body, () =>
            this.term(t.key, (k) =>
              this.term(t.value, (v) =>
                this.b.emit({ type: "ObjectInsertOnce", object: l, key: k, value: v, message: "object keys must be unique" }),
              ),
            ),
          ),
        );
        return cont(local(l));
      }
      case "call":
        return this.call(t, (r) => cont(r), false);
    }
  }

  private number(text: string): Local {
    const l = this.b.local();
    if (/^-?\d+$/.test(text) && Math.abs(Number(text)) <= 2 ** 31 - 1) {
      this.b.emit({ type: "MakeNumberInt", value: Number(text), target: l });
    } else {
      this.b.emit({ type: "MakeNumberRef", index: this.p.str(text), target: l });
    }
    return l;
  }

  // -------------------------------------------------------------------------
  // References
  // -------------------------------------------------------------------------

  private ref(t: RefTerm, cont: OpCont): void {
    const head = t.terms[0]!;
    const path = t.terms.slice(1);
    if (head.type === "var" && head.name === "data") return this.dataRef(path, cont);
    if (head.type === "var" && head.name === "input") {
      this.b.emit({ type: "IsDefined", source: this.inputLocal });
      return this.path(this.inputLocal, path, cont);
    }
    this.termLocal(head, (l) => this.path(l, path, cont));
  }

  /** Walks `path` from the value in `base`: constant keys are Dots, unbound vars are Scans. */
  path(base: Local, path: Term[], cont: OpCont, i = 0): void {
    if (i >= path.length) return cont(local(base));
    const k = path[i]!;
    if (this.isUnboundVar(k)) {
      const key = this.b.local();
      const value = this.b.local();
      const block = { stmts: [] };
      this.b.emit({ type: "Scan", source: base, key, value, block });
      this.b.inBlock(block, () => {
        this.vars.set(k.name, key);
        this.path(value, path, cont, i + 1);
      });
      return;
    }
    if (hasUnboundPatternVars(k, this)) {
      // A composite key with unbound vars: enumerate and unify the key.
      const key = this.b.local();
      const value = this.b.local();
      const block = { stmts: [] };
      this.b.emit({ type: "Scan", source: base, key, value, block });
      this.b.inBlock(block, () => this.unifyOperand(k, local(key), () => this.path(value, path, cont, i + 1)));
      return;
    }
    this.term(k, (kop) => {
      const target = this.b.local();
      this.b.emit({ type: "Dot", source: local(base), key: kop, target });
      this.path(target, path, cont, i + 1);
    });
  }

  /** A ref into `data`: through the rule tree to the rules' functions, else into base data. */
  dataRef(path: Term[], cont: OpCont): void {
    // Documents directly under data (packages, rules, base objects) are keyed by strings, so a
    // scalar key there means its string (`data[2]` is `data["2"]`). Below a rule's value, keys
    // are kept as written: a set or an array may hold numbers.
    const asKey = (t: Term): Term => (t.type === "number" || t.type === "boolean" ? { type: "string", value: String(t.value), loc: t.loc } : t);
    const statics: string[] = [];
    for (const t of path) {
      const k = asKey(t);
      if (k.type !== "string") break;
      statics.push(k.value);
    }
    // A mocked rule (or document) wins over everything below it.
    const mock = ruleMockFor(this.ctx.mocks, statics);
    if (mock && mock.mock.target.type === "slot") {
      const slot = this.slotLocals[mock.mock.target.slot]!;
      return this.path(slot, path.slice(mock.depth), cont);
    }
    let node: RuleNode = this.p.tree;
    let i = 0;
    for (; i < path.length; i++) {
      if (node.rules.length > 0) break;
      const k = asKey(path[i]!);
      if (k.type !== "string") break;
      const child = node.children.get(k.value);
      if (!child) {
        // Below here are only base documents.
        // (Base documents are JSON: objects keyed by strings; a Dot on an array takes "2" too.)
        return this.path(this.dataLocal, path.map(asKey), cont);
      }
      node = child;
    }
    if (node === this.p.tree && i === 0 && !this.p.hasAnyRules) return this.path(this.dataLocal, path, cont);
    if (node.kind === "function") {
      this.p.errors.add(TYPE_ERROR, `function data.${node.path.join(".")} must be called`, path[0]?.loc);
      return;
    }
    this.callNode(node, [], (r) => this.path(r, path.slice(i), cont));
  }

  /** Calls the function that computes a rule node (or an intermediate node's object). */
  callNode(node: RuleNode, args: Operand[], cont: LocalCont, ctx: MockContext = this.ctx): void {
    const { name, slots } = this.p.nodeFunc(node, ctx);
    const result = this.b.local();
    const slotArgs: Operand[] = slots.map((s) => local(this.slotLocals[s]!));
    this.b.emit({
      type: "Call",
      func: name,
      args: [local(this.inputLocal), local(this.dataLocal), ...args, ...slotArgs],
      result,
    });
    cont(result);
  }

  // -------------------------------------------------------------------------
  // Calls
  // -------------------------------------------------------------------------

  /** Plans a call; `cont` gets the result. A false result is a value, not a failure, here. */
  call(t: Term & { type: "call" }, cont: OpCont, asExpr: boolean): void {
    void asExpr;
    const name = callName(t.fn);
    if (!name) {
      this.p.errors.add(TYPE_ERROR, `illegal call`, t.loc);
      return;
    }
    const mock = funcMockFor(this.ctx.mocks, name);
    if (mock) {
      const target = mock.target;
      if (target.type === "slot") return this.terms(t.args, () => cont(local(this.slotLocals[target.slot]!)));
      if (target.type === "func") {
        // Inside the replacement, the mocked name means the original again (a mock may wrap it).
        const ctx: MockContext = { mocks: this.ctx.mocks.filter((m) => !(m.kind === "func" && m.name === name)), slots: this.ctx.slots };
        return this.terms(t.args, (ops) => this.callNode(target.node, ops, (r) => cont(local(r)), ctx));
      }
      return this.builtinCall(target.name, t, cont);
    }
    if (name.startsWith("data.")) {
      const node = lookupNode(this.p.tree, name.slice(5).split("."));
      if (!node || node.kind !== "function") {
        this.p.errors.add(TYPE_ERROR, `undefined function ${name}`, t.loc);
        return;
      }
      if (t.args.length !== node.arity) {
        this.p.errors.add(TYPE_ERROR, `${name}: arity mismatch\n\thave: ${t.args.length} arguments\n\twant: ${node.arity} arguments`, t.loc);
        return;
      }
      return this.terms(t.args, (ops) => this.callNode(node, ops, (r) => cont(local(r))));
    }
    this.builtinCall(name, t, cont);
  }

  private builtinCall(name: string, t: Term & { type: "call" }, cont: OpCont): void {
    const decl = lookupBuiltin(name);
    if (!decl) {
      this.p.errors.add(TYPE_ERROR, `undefined function ${name}`, t.loc);
      return;
    }
    if (decl.impl === "unsupported") {
      this.p.errors.add(TYPE_ERROR, `${name}: not supported by regent's WebAssembly target: ${decl.unsupported ?? "no Wasm target can serve it"}`, t.loc);
      return;
    }
    if (!decl.variadic && t.args.length !== decl.arity) {
      this.p.errors.add(TYPE_ERROR, `${name}: arity mismatch\n\thave: ${t.args.length} arguments\n\twant: ${decl.arity} arguments`, t.loc);
      return;
    }
    if (decl.impl === "host" && !this.p.hostAvailable(name)) {
      this.p.errors.add(TYPE_ERROR, `${name}: built-in function is not provided by the host`, t.loc);
      return;
    }
    this.terms(t.args, (ops) => {
      const result = this.b.local();
      if (JSON_TEXT_BUILTINS.includes(name)) {
        // Operands cross the host boundary as exact JSON text (see JSON_TEXT_BUILTINS).
        const texts = ops.map((op): Operand => {
          const text = this.b.local();
          this.b.emit({ type: "Call", func: "json.marshal", args: [op], result: text });
          return local(text);
        });
        this.b.emit({ type: "Call", func: jsonTextAlias(name), args: texts, result });
      } else this.b.emit({ type: "Call", func: name, args: ops, result });
      if (decl.relation) {
        // A relation returns all its results as one array: enumerate them.
        const key = this.b.local();
        const value = this.b.local();
        const block = { stmts: [] };
        this.b.emit({ type: "Scan", source: result, key, value, block });
        this.b.inBlock(block, () => cont(local(value)));
        return;
      }
      cont(local(result));
    });
  }
}

/** Whether a term is a pattern holding vars that are not bound yet (outside ref keys). */
function hasUnboundPatternVars(t: Term, f: FuncPlanner): boolean {
  switch (t.type) {
    case "var":
      return t.name !== "input" && t.name !== "data" && !f.vars.has(t.name);
    case "array":
    case "set":
      return t.items.some((x) => hasUnboundPatternVars(x, f));
    case "object":
      return t.items.some(([k, v]) => hasUnboundPatternVars(k, f) || hasUnboundPatternVars(v, f));
    default:
      return false;
  }
}

function firstUnbound(t: Term, f: FuncPlanner): VarTerm | undefined {
  if (t.type === "var") return t.name !== "input" && t.name !== "data" && !f.vars.has(t.name) ? t : undefined;
  for (const x of subterms(t)) {
    const v = firstUnbound(x, f);
    if (v) return v;
  }
  return undefined;
}

export { mocksBelow };
