/**
 * Array natives (array.concat, array.slice, array.reverse) through the real backend, runtime and
 * SDK. Expected values follow OPA (conformance folder array): slice indexes are clamped.
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, num, type Row } from "./harness.js";

const rows: Row[] = [
  ["array.concat", [[1, 2], [3, [4]]], [1, 2, 3, [4]]],
  ["array.concat", [[], []], []],
  ["array.concat", [[], ["a"]], ["a"]],
  ["array.concat", [{}, []], err("array.concat: operand 1 must be array but got object")],
  ["array.concat", [[], {}], err("array.concat: operand 2 must be array but got object")],
  ["array.slice", [[1, 2, 3, 4, 5], 1, 3], [2, 3]],
  ["array.slice", [[1, 2, 3, 4, 5], 0, 5], [1, 2, 3, 4, 5]],
  ["array.slice", [[1, 2, 3, 4, 5], -3, 2], [1, 2]],
  ["array.slice", [[1, 2, 3, 4, 5], 3, 100], [4, 5]],
  ["array.slice", [[1, 2, 3, 4, 5], 4, 2], []],
  ["array.slice", [[1, 2, 3], 5, 10], []],
  ["array.slice", [[1, 2, 3], 0, -1], []],
  ["array.slice", [[1, 2, 3], num("1.0"), 2], [2]],
  ["array.slice", [[1, 2, 3], 0.5, 2], err("array.slice: operand 2 must be integer number but got floating-point number")],
  ["array.slice", [[1, 2, 3], 0, "2"], err("array.slice: operand 3 must be number but got string")],
  ["array.slice", ["abc", 0, 1], err("array.slice: operand 1 must be array but got string")],
  ["array.reverse", [[1, "a", [2]]], [[2], "a", 1]],
  ["array.reverse", [[]], []],
  ["array.reverse", [new Set([1])], err("array.reverse: operand 1 must be array but got set")],
];

describe("array natives", () => {
  it("match OPA's results and errors", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
