/**
 * graph.reachable_paths (OPA's topdown/graphs.go) over an adjacency object {node: [neighbours]}
 * whose neighbour lists are arrays or sets (sets arrive as arrays). graph.reachable is native.
 */
import { coll, obj, typeName, type HostFn, type Json } from "./args.js";
import { operandError } from "./errors.js";
import { toSet } from "./values.js";

function neighbours(name: string, graph: Record<string, Json>, node: Json): Json[] | undefined {
  if (typeof node !== "string" || !(node in graph)) return undefined;
  const edges = graph[node];
  if (edges === null) return [];
  if (!Array.isArray(edges)) throw operandError(name, 1, "object of arrays or sets", `object containing ${typeName(edges)}`);
  return edges;
}

function reachablePaths(g: unknown, initial: unknown): Json[] {
  const name = "graph.reachable_paths";
  const graph = obj(name, 1, g);
  const paths: Json[][] = [];
  const visit = (node: Json, path: Json[]) => {
    const edges = neighbours(name, graph, node);
    if (edges === undefined) {
      if (path.length) paths.push(path);
      return;
    }
    const here = [...path, node];
    const next = edges.filter((e) => !here.includes(e));
    if (next.length === 0) { paths.push(here); return; }
    for (const e of next) visit(e, here);
  };
  for (const n of coll(name, 2, initial)) visit(n, []);
  return toSet(paths);
}

export const graphBuiltins: Record<string, HostFn> = {
  "graph.reachable_paths": reachablePaths,
};

