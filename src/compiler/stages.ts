/**
 * The compiler's stages, in order, as one table (OPA's NewCompiler keeps the same kind of list).
 * Each stage reads and extends the compilation state; errors are collected, and the pipeline
 * stops after the first stage that reported any.
 */
import type { Module, Rule } from "../rego/ast.js";
import { lookupBuiltin } from "../builtins/decls.js";
import type { Policy } from "./ir/ir.js";
import { COMPILE_ERROR, ErrorList } from "./errors.js";
import { checkDeprecatedBuiltins } from "./checks/deprecated.js";
import { checkLiteralShapes } from "./checks/literal-shapes.js";
import { checkRootDocumentOverrides } from "./checks/root-overrides.js";
import { buildRuleTree, splitHeadRef, type RuleNode } from "./resolve/tree.js";
import { rewriteMetadataCalls } from "./rewrite/metadata.js";
import { moduleGlobals, VarRewriter, callName } from "./rewrite/vars.js";
import { Safety } from "./safety/reorder.js";
import { DependencyGraph } from "./planner/deps.js";
import { PolicyPlanner, type PlannerOptions } from "./planner/policy.js";

export interface Compilation {
  modules: Module[];
  /** Entrypoint paths without "data", e.g. ["envoy", "authz", "allow"]. */
  entrypoints: string[][];
  options: PlannerOptions;
  errors: ErrorList;
  tree?: RuleNode;
  /** Each rule's rewritten clauses: the rule, then its `else`s. */
  clauses?: Map<Rule, Rule[]>;
  closureFree?: WeakMap<object, string[]>;
  graph?: DependencyGraph;
  policy?: Policy;
}

export interface Stage {
  name: string;
  run(c: Compilation): void;
}

export const STAGES: Stage[] = [
  { name: "RewriteRegoMetadataCalls", run: (c) => (c.modules = rewriteMetadataCalls(c.modules)) },
  { name: "CheckRootDocumentOverrides", run: (c) => checkRootDocumentOverrides(c.modules, c.errors) },
  { name: "CheckLiteralShapes", run: (c) => checkLiteralShapes(c.modules, c.errors) },
  { name: "BuildRuleTree", run: (c) => (c.tree = buildRuleTree(c.modules, c.errors)) },
  { name: "RewriteVars", run: rewriteVars },
  { name: "CheckDeprecatedBuiltins", run: (c) => checkDeprecatedBuiltins(c.clauses!.values(), c.errors) },
  { name: "CheckSafety", run: checkSafety },
  { name: "CheckRecursion", run: checkRecursion },
  { name: "CheckEntrypoints", run: checkEntrypoints },
  { name: "Plan", run: plan },
];

export function runStages(c: Compilation): void {
  for (const stage of STAGES) {
    stage.run(c);
    if (c.errors.length > 0) return;
  }
}

function rewriteVars(c: Compilation): void {
  const clauses = new Map<Rule, Rule[]>();
  const rulesByPackage = new Map<string, Set<string>>();
  for (const m of c.modules) {
    const key = m.package.path.join(".");
    let names = rulesByPackage.get(key);
    if (!names) rulesByPackage.set(key, (names = new Set()));
    for (const r of m.rules) names.add(splitHeadRef(r.head.ref).prefix[0]!);
  }
  let closureFree: WeakMap<object, string[]> | undefined;
  const isBuiltin = (name: string) => lookupBuiltin(name) !== undefined;
  // One rewriter for the whole compilation keeps var ids unique across modules.
  let rewriter: VarRewriter | undefined;
  for (const m of c.modules) {
    const globals = moduleGlobals(m, rulesByPackage.get(m.package.path.join("."))!);
    rewriter = rewriter ? rewriter.withGlobals(globals) : new VarRewriter(globals, c.errors, isBuiltin);
    closureFree = rewriter.closureFree;
    for (const rule of m.rules) {
      const chain: Rule[] = [];
      for (let r: Rule | null = rule; r; r = r.else) {
        const clause = r === rule ? r : { ...r, head: { ...r.head, args: rule.head.args, ref: rule.head.ref, key: rule.head.key } };
        chain.push(rewriter.rewriteRule(clause));
      }
      clauses.set(rule, chain);
    }
  }
  c.clauses = clauses;
  c.closureFree = closureFree ?? new WeakMap();
}

function checkSafety(c: Compilation): void {
  const tree = c.tree!;
  const arityOf = (t: { fn: Parameters<typeof callName>[0] }) => {
    const name = callName(t.fn);
    if (!name) return -1;
    if (name.startsWith("data.")) {
      let node: RuleNode | undefined = tree;
      for (const k of name.slice(5).split(".")) node = node?.children.get(k);
      return node?.kind === "function" ? node.arity : -1;
    }
    const d = lookupBuiltin(name);
    return d && !d.variadic ? d.arity : -1;
  };
  const safety = new Safety(c.errors, arityOf as never, c.closureFree!);
  for (const [rule, chain] of c.clauses!) c.clauses!.set(rule, chain.map((r) => safety.checkRule(r)));
}

function checkRecursion(c: Compilation): void {
  const clauses = c.clauses!;
  c.graph = new DependencyGraph(c.tree!, (node) =>
    node.rules.flatMap((e) =>
      (clauses.get(e.rule) ?? []).map((r) => ({
        body: r.body,
        terms: [...r.head.ref.slice(1), ...(r.head.args ?? []), ...(r.head.key ? [r.head.key] : []), ...(r.head.value ? [r.head.value] : [])],
      })),
    ),
  );
  c.graph.checkRecursion(c.errors);
}

/** With `requireEntrypointRules`, every entrypoint must reach a package or a rule (or a path inside a rule's value). */
function checkEntrypoints(c: Compilation): void {
  if (!c.options.requireEntrypointRules) return;
  for (const path of c.entrypoints) {
    let node = c.tree!;
    for (const key of path) {
      if (node.rules.length > 0) break;
      const child = node.children.get(key);
      if (!child) {
        c.errors.add(COMPILE_ERROR, `entrypoint ${path.join("/")} does not refer to a rule or a package`, undefined);
        break;
      }
      node = child;
    }
  }
}

function plan(c: Compilation): void {
  const planner = new PolicyPlanner(c.tree!, c.clauses!, c.graph!, c.errors, c.options);
  c.policy = planner.plan(c.entrypoints);
}
