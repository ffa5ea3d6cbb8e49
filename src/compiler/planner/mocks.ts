/**
 * `with` mocks of rules and functions. Under a mock, references resolve differently, so the
 * planner plans specialised copies of the functions that (transitively) see the mocked thing.
 * A mocked value travels as an extra parameter ("slot") of those copies.
 */
import type { RuleNode } from "../resolve/tree.js";
import type { Deps } from "./deps.js";

export type MockTarget =
  /** The mocked thing evaluates to the value held in this slot. */
  | { type: "slot"; slot: number }
  /** Calls go to this user function instead. */
  | { type: "func"; node: RuleNode }
  /** Calls go to this built-in instead. */
  | { type: "builtin"; name: string };

export type Mock =
  /** `with data.a.b as v` where data.a.b holds (or is inside) rules. */
  | { kind: "rule"; path: string[]; target: MockTarget }
  /** `with f as g` / `with count as v`: `name` is a built-in name or `data.<path>` of a user function. */
  | { kind: "func"; name: string; target: MockTarget };

export interface MockContext {
  mocks: Mock[];
  /** Number of slots (values) the context carries. */
  slots: number;
}

export const NO_MOCKS: MockContext = { mocks: [], slots: 0 };

function prefixRelated(a: string[], b: string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The mocks that matter to a node, given its transitive dependencies (later mocks win). */
export function relevantMocks(ctx: MockContext, deps: Deps): Mock[] {
  if (ctx.mocks.length === 0) return [];
  const paths = [...deps.paths].map((p) => (p === "" ? [] : p.split(".")));
  return ctx.mocks.filter((m) =>
    m.kind === "rule" ? paths.some((p) => prefixRelated(p, m.path)) : deps.calls.has(m.name),
  );
}

/** A stable key naming a specialisation: what is mocked and by what, not which slot holds it. */
export function mocksKey(mocks: Mock[]): string {
  return mocks
    .map((m) => {
      const what = m.kind === "rule" ? "data." + m.path.join(".") : m.name;
      const t = m.target;
      const by = t.type === "slot" ? "value" : t.type === "func" ? "data." + t.node.path.join(".") : t.name;
      return `${what}=${by}`;
    })
    .join(",");
}

/** Finds the mock for a rule path exactly, or for a prefix of it (the innermost wins). */
export function ruleMockFor(mocks: Mock[], path: string[]): { mock: Mock; depth: number } | undefined {
  let best: { mock: Mock; depth: number } | undefined;
  for (const m of mocks) {
    if (m.kind !== "rule" || m.path.length > path.length) continue;
    if (!prefixRelated(m.path, path)) continue;
    if (!best || m.path.length >= best.depth) best = { mock: m, depth: m.path.length };
  }
  return best;
}

export function funcMockFor(mocks: Mock[], name: string): Mock | undefined {
  for (let i = mocks.length - 1; i >= 0; i--) {
    const m = mocks[i]!;
    if (m.kind === "func" && m.name === name) return m;
  }
  return undefined;
}

/** Whether some mock replaces a path strictly below `path` (so that node must be rebuilt). */
export function mocksBelow(mocks: Mock[], path: string[]): boolean {
  return mocks.some((m) => m.kind === "rule" && m.path.length > path.length && prefixRelated(m.path, path));
}
