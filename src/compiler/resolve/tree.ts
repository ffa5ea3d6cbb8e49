/**
 * Merges the modules into one tree of rules keyed by data path (OPA's RuleTree). A node holds the
 * rules whose head ref's static prefix ends there; the rest of a head ref (`p[x].q`) is the rule's
 * dynamic suffix. The planner reads this tree to turn `data.a.b` references into calls.
 */
import type { Module, Rule, Term } from "../../rego/ast.js";
import { ErrorList, TYPE_ERROR } from "../errors.js";

export type NodeKind = "complete" | "set" | "object" | "function";

export interface RuleEntry {
  rule: Rule;
  module: Module;
  /** The head ref's terms after the static prefix (empty unless the head has a dynamic key). */
  suffix: Term[];
}

export interface RuleNode {
  key: string;
  /** Path from the data root, without "data". */
  path: string[];
  children: Map<string, RuleNode>;
  rules: RuleEntry[];
  kind: NodeKind | null;
  /** Function arity (for kind "function"). */
  arity: number;
}

export function newNode(key: string, path: string[]): RuleNode {
  return { key, path, children: new Map(), rules: [], kind: null, arity: 0 };
}

/** Splits a head ref into its static string prefix and dynamic suffix. */
export function splitHeadRef(ref: Term[]): { prefix: string[]; suffix: Term[] } {
  const prefix: string[] = [];
  let i = 0;
  const head = ref[0];
  if (head && head.type === "var") {
    prefix.push(head.name);
    i = 1;
  }
  for (; i < ref.length; i++) {
    const t = ref[i]!;
    if (t.type !== "string") break;
    prefix.push(t.value);
  }
  return { prefix, suffix: ref.slice(i) };
}

export function ruleNodeKind(rule: Rule, suffix: Term[]): NodeKind {
  if (rule.kind === "function") return "function";
  if (suffix.length > 0) return "object";
  if (rule.kind === "partial_set" || (rule.head.key !== null && rule.head.value === null)) return "set";
  if (rule.kind === "partial_object") return "object";
  return "complete";
}

export function buildRuleTree(modules: Module[], errors: ErrorList): RuleNode {
  const root = newNode("data", []);
  for (const module of modules) {
    for (const rule of module.rules) {
      const { prefix, suffix } = splitHeadRef(rule.head.ref);
      const path = [...module.package.path, ...prefix];
      let node = root;
      for (const key of path) {
        let child = node.children.get(key);
        if (!child) {
          child = newNode(key, [...node.path, key]);
          node.children.set(key, child);
        }
        node = child;
      }
      const kind = ruleNodeKind(rule, suffix);
      const name = "data." + path.join(".");
      if (node.kind !== null && node.kind !== kind) {
        errors.add(TYPE_ERROR, `conflicting rules ${name} found`, rule.loc);
        continue;
      }
      if (kind === "function") {
        const arity = rule.head.args?.length ?? 0;
        if (node.kind === "function" && node.arity !== arity) {
          errors.add(TYPE_ERROR, `conflicting rules ${name} found`, rule.loc);
          continue;
        }
        node.arity = arity;
      }
      if (rule.default && node.rules.some((r) => r.rule.default)) {
        errors.add(TYPE_ERROR, `multiple default rules ${name} found`, rule.loc);
        continue;
      }
      node.kind = kind;
      node.rules.push({ rule, module, suffix });
    }
  }
  return root;
}

/** Finds the node at a path, or undefined. */
export function lookupNode(root: RuleNode, path: string[]): RuleNode | undefined {
  let node: RuleNode | undefined = root;
  for (const key of path) {
    node = node.children.get(key);
    if (!node) return undefined;
  }
  return node;
}

/** True when the node or anything below it holds rules. */
export function hasRules(node: RuleNode): boolean {
  if (node.rules.length > 0) return true;
  for (const c of node.children.values()) if (hasRules(c)) return true;
  return false;
}

/** True when the node or anything below it holds rules that make up documents (not functions). */
export function hasDocRules(node: RuleNode): boolean {
  if (node.rules.length > 0 && node.kind !== "function") return true;
  for (const c of node.children.values()) if (hasDocRules(c)) return true;
  return false;
}
