// graph, numbers.range_step, array.flatten, deprecated casts and print, against the numbersrangestep and
// array conformance folders and OPA's docs.
import { describe, expect, it } from "vitest";
import { HostContext } from "../../src/builtins/context.js";
import { graphBuiltins as g } from "../../src/builtins/graph.js";
import { formatPrintArgs, miscBuiltins } from "../../src/builtins/misc.js";

const lines: string[] = [];
const m = miscBuiltins(new HostContext({ print: (l) => lines.push(l) }));

describe("graph", () => {
  const graph = { a: ["b"], b: ["c", "d"], c: [], d: ["a"], e: ["f"] };
  it("finds reachable paths", () => {
    expect(g["graph.reachable_paths"]!({ a: ["b"], b: ["c"], c: [] }, ["a"])).toEqual([["a", "b", "c"]]);
    expect(g["graph.reachable_paths"]!(graph, ["a"])).toEqual([["a", "b", "c"], ["a", "b", "d"]]);
  });
});

describe("numbers.range_step / array.flatten", () => {
  it("steps both ways (numbersrangestep)", () => {
    const r = m["numbers.range_step"]!;
    expect(r(0, 10, 2)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(r(0, -10, 2)).toEqual([0, -2, -4, -6, -8, -10]);
    expect(r(10, 3, 2)).toEqual([10, 8, 6, 4]);
    expect(r(2, 2, 2)).toEqual([2]);
    expect(r(2, 5, 2)).toEqual([2, 4]);
    expect(r(0, 10, 99999999999999999999)).toEqual([0]);
    expect(() => r(0, 10, -2)).toThrow("numbers.range_step: step must be a positive integer");
  });
  it("flattens one level (array/flatten)", () => {
    expect(m["array.flatten"]!([[1, 2], [3, 4], [5]])).toEqual([1, 2, 3, 4, 5]);
    expect(m["array.flatten"]!([[[1], [2, 3, []]], [[4, 5]]])).toEqual([[1], [2, 3, []], [4, 5]]);
    expect(m["array.flatten"]!([[1, 2], "string", [3, { a: "b" }], 4.5, [6, [7, 8]]])).toEqual([1, 2, "string", 3, { a: "b" }, 4.5, 6, [7, 8]]);
    expect(() => m["array.flatten"]!(42)).toThrow("array.flatten: operand 1 must be array but got number");
  });
});

describe("deprecated built-ins and print", () => {
  it("casts and aggregates", () => {
    expect(m.cast_set!([3, 1, 3])).toEqual([1, 3]);
    expect(() => m.cast_string!(1)).toThrow("cast_string: operand 1 must be string but got number");
    expect(m.any!([false, true])).toBe(true);
    expect(m.all!([true, 1])).toBe(false);
    expect(m.set_diff!([1, 2, 3], [2])).toEqual([1, 3]);
  });
  it("prints like OPA", () => {
    expect(formatPrintArgs([["hello"], [1, 2], []])).toBe("hello 1 2 <undefined>");
    expect(m["internal.print"]!([["x"], [{ a: [1] }]])).toBe(true);
    expect(lines).toEqual(['x {"a": [1]}']);
    expect(miscBuiltins(new HostContext())["internal.print"]!([["silent"]])).toBe(true);
  });
});
