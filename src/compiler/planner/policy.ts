/**
 * Plans a whole policy: one IR function per rule node (complete, partial set, partial object,
 * function, or an intermediate node whose value is the object of its children merged with base
 * data), planned on demand from the entrypoints, and one plan per entrypoint.
 */
import type { Rule, Term } from "../../rego/ast.js";
import { lookupBuiltin } from "../../builtins/decls.js";
import type { Func, Local, Operand, Plan, Policy } from "../ir/ir.js";
import type { ErrorList } from "../errors.js";
import { hasDocRules, hasRules, lookupNode, type RuleNode } from "../resolve/tree.js";
import { callName } from "../rewrite/vars.js";
import { FuncBuilder } from "./builder.js";
import { FuncPlanner } from "./body.js";
import type { DependencyGraph, Deps } from "./deps.js";
import { mocksBelow, mocksKey, NO_MOCKS, relevantMocks, ruleMockFor, type Mock, type MockContext } from "./mocks.js";

const local = (l: Local): Operand => ({ type: "local", local: l });

export interface PlannerOptions {
  /** Host built-ins the runtime environment provides; undefined means all declared ones. */
  hostBuiltins?: ReadonlySet<string>;
  /** Refuse an entrypoint that names no rule or package (a typo would otherwise plan base data). */
  requireEntrypointRules?: boolean;
}

export class PolicyPlanner {
  readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly funcs: Func[] = [];
  private readonly funcNames = new Map<string, string>();
  private readonly nodeDepsCache = new Map<RuleNode, Deps>();
  readonly hasAnyRules: boolean;

  constructor(
    readonly tree: RuleNode,
    /** The rewritten, reordered clauses of each rule: the rule itself, then its `else`s. */
    private readonly clauses: Map<Rule, Rule[]>,
    private readonly graph: DependencyGraph,
    readonly errors: ErrorList,
    private readonly options: PlannerOptions = {},
  ) {
    this.hasAnyRules = hasRules(tree);
  }

  str(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  hostAvailable(name: string): boolean {
    return this.options.hostBuiltins ? this.options.hostBuiltins.has(name) : true;
  }

  arityOf(t: Term & { type: "call" }): number {
    const name = callName(t.fn);
    if (!name) return -1;
    if (name.startsWith("data.")) {
      const node = lookupNode(this.tree, name.slice(5).split("."));
      return node && node.kind === "function" ? node.arity : -1;
    }
    const decl = lookupBuiltin(name);
    return decl && !decl.variadic ? decl.arity : -1;
  }

  /** Whether a data path reaches rules (at it, above it as a rule's value, or below it). */
  touchesRules(path: string[]): boolean {
    let node = this.tree;
    for (const key of path) {
      if (node.rules.length > 0) return true;
      const child = node.children.get(key);
      if (!child) return false;
      node = child;
    }
    return hasRules(node) && node.kind !== "function";
  }

  isFunction(path: string[]): boolean {
    return lookupNode(this.tree, path)?.kind === "function";
  }

  plan(entrypoints: string[][]): Policy {
    const plans: Plan[] = entrypoints.map((path) => this.planEntrypoint(path));
    return { strings: this.strings, funcs: this.funcs, plans };
  }

  private planEntrypoint(path: string[]): Plan {
    const b = new FuncBuilder(2);
    const fp = new FuncPlanner(this, b, NO_MOCKS, []);
    const loc = { file: "", row: 0, col: 0, offset: 0, end: 0 };
    b.topBlock(() =>
      fp.dataRef(path.map((value) => ({ type: "string", value, loc })), (op) => {
        let l: Local;
        if (op.type === "local") l = op.local;
        else {
          l = b.local();
          b.emit({ type: "AssignVar", source: op, target: l });
        }
        b.emit({ type: "ResultSetAdd", value: l });
      }),
    );
    return { name: path.join("/"), blocks: b.blocks };
  }

  private nodeDeps(node: RuleNode): Deps {
    let d = this.nodeDepsCache.get(node);
    if (d) return d;
    d = { paths: new Set([node.path.join(".")]), calls: new Set() };
    const add = (x: Deps) => {
      x.paths.forEach((p) => d!.paths.add(p));
      x.calls.forEach((c) => d!.calls.add(c));
    };
    if (node.rules.length > 0) add(this.graph.deps(node));
    for (const c of node.children.values()) if (hasDocRules(c)) add(this.nodeDeps(c));
    this.nodeDepsCache.set(node, d);
    return d;
  }

  /**
   * The function computing `node` under the caller's mocks: its name and, in parameter order, the
   * caller's slots to pass. Plans it the first time it is asked for.
   */
  nodeFunc(node: RuleNode, ctx: MockContext): { name: string; slots: number[] } {
    const relevant = relevantMocks(ctx, this.nodeDeps(node));
    const callerSlots: number[] = [];
    const calleeMocks: Mock[] = relevant.map((m) => {
      if (m.target.type !== "slot") return m;
      callerSlots.push(m.target.slot);
      return { ...m, target: { type: "slot", slot: callerSlots.length - 1 } } as Mock;
    });
    const key = node.path.join(".") + "|" + mocksKey(relevant);
    let name = this.funcNames.get(key);
    if (!name) {
      name = `g0.data.${node.path.join(".")}` + (relevant.length > 0 ? `#${this.funcNames.size}` : "");
      this.funcNames.set(key, name);
      this.funcs.push(this.planNode(node, name, { mocks: calleeMocks, slots: callerSlots.length }));
    }
    return { name, slots: callerSlots };
  }

  private planNode(node: RuleNode, name: string, ctx: MockContext): Func {
    const arity = node.kind === "function" ? node.arity : 0;
    const params: Local[] = [0, 1];
    for (let i = 0; i < arity + ctx.slots; i++) params.push(2 + i);
    const slotLocals = params.slice(2 + arity);
    const b = new FuncBuilder(params.length);
    const result = b.local();
    const planner = () => new FuncPlanner(this, b, ctx, slotLocals);
    const argLocals = params.slice(2, 2 + arity);

    switch (node.kind) {
      case "complete":
      case "function":
        this.planValueRules(node, b, result, planner, argLocals);
        break;
      case "set":
        b.topBlock(() => b.emit({ type: "MakeSet", target: result }));
        for (const entry of node.rules) {
          for (const clause of this.clauses.get(entry.rule) ?? []) {
            b.topBlock(() => {
              const fp = planner();
              fp.body(clause.body, () => fp.term(clause.head.key!, (k) => b.emit({ type: "SetAdd", set: result, value: k })));
            });
          }
        }
        break;
      case "object":
        b.topBlock(() => b.emit({ type: "MakeObject", target: result }));
        for (const entry of node.rules) {
          for (const clause of this.clauses.get(entry.rule) ?? []) {
            b.topBlock(() => {
              const fp = planner();
              fp.body(clause.body, () => this.insertPath(fp, result, suffixOf(clause, entry.suffix), clause));
            });
          }
        }
        this.planChildren(node, b, result, planner);
        break;
      case null:
        b.topBlock(() => b.emit({ type: "MakeObject", target: result }));
        this.planChildren(node, b, result, planner);
        this.mergeBaseData(node, b, result);
        break;
    }
    // A rule's value depends on input and data only when it takes no arguments and no mock
    // reaches it: then it can be computed once per evaluation.
    const memo = arity === 0 && ctx.mocks.length === 0;
    const f: Func = { name, params, result, blocks: b.blocks, path: node.path, ...(memo ? { memo } : {}) };
    return f;
  }

  /** Complete rules and functions: each chain assigns once; `else` runs only when earlier clauses did not. */
  private planValueRules(node: RuleNode, b: FuncBuilder, result: Local, planner: () => FuncPlanner, args: Local[]): void {
    // Both OPA wordings: the newer one names the rule, the older one says what went wrong.
    const name = "data." + node.path.join(".");
    const conflict =
      node.kind === "function"
        ? `function ${name} produced conflicting values for the same inputs: functions must not produce multiple outputs for same inputs`
        : `rule ${name} produced conflicting values: complete rules must not produce multiple outputs`;
    const clause = (fp: FuncPlanner, rule: Rule, then: (fp: FuncPlanner) => void) => {
      const params = rule.head.args ?? [];
      const bindArgs = (i: number): void => {
        if (i >= params.length) return fp.body(rule.body, () => then(fp));
        fp.unifyOperand(params[i]!, local(args[i]!), () => bindArgs(i + 1));
      };
      bindArgs(0);
    };
    let fallback: Rule | undefined;
    for (const entry of node.rules) {
      const chain = this.clauses.get(entry.rule) ?? [];
      if (entry.rule.default) {
        fallback = chain[0];
        continue;
      }
      const loc = (r: Rule) => ({ file: r.loc.file, row: r.loc.row, col: r.loc.col });
      if (chain.length === 1) {
        const r = chain[0]!;
        b.topBlock(() =>
          clause(planner(), r, (fp) =>
            fp.term(r.head.value!, (v) => b.emit({ type: "AssignVarOnce", source: v, target: result, message: conflict, loc: loc(r) })),
          ),
        );
        continue;
      }
      b.topBlock(() => {
        const rc = b.local();
        b.emit({ type: "ResetLocal", target: rc });
        chain.forEach((r, k) => {
          b.block(() => {
            if (k > 0) b.emit({ type: "IsUndefined", source: rc });
            clause(planner(), r, (fp) =>
              fp.term(r.head.value!, (v) => b.emit({ type: "AssignVarOnce", source: v, target: rc, message: conflict, loc: loc(r) })),
            );
          });
        });
        b.emit({ type: "IsDefined", source: rc });
        b.emit({ type: "AssignVarOnce", source: local(rc), target: result, message: conflict, loc: loc(entry.rule) });
      });
    }
    if (fallback) {
      const r = fallback;
      b.topBlock(() => {
        b.emit({ type: "IsUndefined", source: result });
        clause(planner(), r, (fp) => fp.term(r.head.value!, (v) => b.emit({ type: "AssignVar", source: v, target: result })));
      });
    }
  }

  /** Inserts a ref-head rule's value at its dynamic suffix (`p[x].q := v`, `p[x] contains y`). */
  private insertPath(fp: FuncPlanner, obj: Local, suffix: Term[], clause: Rule): void {
    const b = fp.b;
    const isSet = clause.head.key !== null && clause.head.value === null;
    const keys = isSet && clause.kind !== "partial_set" ? suffix : suffix;
    fp.terms(keys, (ops) => {
      let cur = obj;
      const last = ops.length - 1;
      for (let i = 0; i < last; i++) cur = this.childObject(b, cur, ops[i]!);
      const leafKey = ops[last]!;
      if (isSet) {
        const s = this.childCollection(b, cur, leafKey, "MakeSet");
        fp.term(clause.head.key!, (v) => b.emit({ type: "SetAdd", set: s, value: v }));
        return;
      }
      const loc = { file: clause.loc.file, row: clause.loc.row, col: clause.loc.col };
      fp.term(clause.head.value!, (v) =>
        b.emit({ type: "ObjectInsertOnce", object: cur, key: leafKey, value: v, message: "object keys must be unique", loc }),
      );
    });
  }

  private childObject(b: FuncBuilder, obj: Local, key: Operand): Local {
    return this.childCollection(b, obj, key, "MakeObject");
  }

  /** `obj[key]`, created empty (object or set) when missing. */
  private childCollection(b: FuncBuilder, obj: Local, key: Operand, make: "MakeObject" | "MakeSet"): Local {
    const t = b.local();
    b.emit({ type: "ResetLocal", target: t });
    b.block(() => b.emit({ type: "Dot", source: local(obj), key, target: t }));
    b.block(() => {
      b.emit({ type: "IsUndefined", source: t });
      b.emit({ type: make, target: t });
      b.emit({ type: "ObjectInsert", object: obj, key, value: local(t) });
    });
    return t;
  }

  /** Adds each child node with rules (or a mock) to the object in `result`. */
  private planChildren(node: RuleNode, b: FuncBuilder, result: Local, planner: () => FuncPlanner): void {
    for (const child of [...node.children.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))) {
      // A package holding only functions is still there, as an empty object (as in OPA).
      if (!hasRules(child) || child.kind === "function") continue;
      b.topBlock(() => {
        const fp = planner();
        const key: Operand = { type: "string", index: this.str(child.key) };
        const mock = ruleMockFor(fp.ctx.mocks, child.path);
        if (mock && mock.mock.target.type === "slot" && mock.depth === child.path.length) {
          b.emit({ type: "ObjectInsert", object: result, key, value: local(fp.slotLocals[mock.mock.target.slot]!) });
          return;
        }
        void mocksBelow;
        fp.callNode(child, [], (v) => b.emit({ type: "ObjectInsert", object: result, key, value: local(v) }));
      });
    }
  }

  /** An intermediate node's value also holds the base documents at its path. */
  private mergeBaseData(node: RuleNode, b: FuncBuilder, result: Local): void {
    b.topBlock(() => {
      let cur: Local = 1;
      for (const key of node.path) {
        const t = b.local();
        b.emit({ type: "Dot", source: local(cur), key: { type: "string", index: this.str(key) }, target: t });
        cur = t;
      }
      const merged = b.local();
      b.emit({ type: "ObjectMerge", a: result, b: cur, target: merged });
      b.emit({ type: "AssignVar", source: local(merged), target: result });
    });
  }
}

/** A clause's dynamic suffix: its own head ref (an else shares the rule's). */
function suffixOf(clause: Rule, fallback: Term[]): Term[] {
  const ref = clause.head.ref;
  let i = 1;
  while (i < ref.length && ref[i]!.type === "string") i++;
  const own = ref.slice(i);
  if (clause.kind === "partial_set" && own.length === 0) return fallback;
  return own.length > 0 ? own : fallback;
}
