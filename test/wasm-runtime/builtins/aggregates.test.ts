/**
 * Aggregate natives (sum, product, max, min, sort) through the real backend, runtime and SDK.
 * Expected values follow OPA (conformance folder aggregates, including the big-number cases).
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, exact, num, UNDEF, type Row } from "./harness.js";

const rows: Row[] = [
  ["sum", [[1, 2, 3, 4]], 10],
  ["sum", [new Set([1, 2, 3, 4])], 10],
  ["sum", [[]], 0],
  ["sum", [[1.5, 2.5]], 4],
  ["sum", [[1, 2.5]], 3.5],
  ["sum", [[num("18446744073709551617"), 1]], exact("18446744073709551618")],
  ["sum", [[num("9223372036854775807"), 1]], exact("9223372036854775808")],
  ["sum", [[num("-9223372036854775808"), -1]], exact("-9223372036854775809")],
  ["sum", [[num("-18446744073709551617"), num("18446744073709551618")]], 1],
  ["sum", [[num("-18446744073709551617"), num("18446744073709551616")]], -1],
  ["sum", [[num("99999999999999999999"), num("1"), -7]], exact("99999999999999999993")],
  ["sum", [[num("9223372036854775807"), -1]], 9223372036854775806],
  ["sum", [[1, "a"]], err("sum: operand 1 must be array of numbers but got array containing string")],
  ["sum", [new Set([1, null])], err("sum: operand 1 must be set of numbers but got set containing null")],
  ["sum", [{ a: 1 }], err("sum: operand 1 must be one of {set, array} but got object")],
  ["product", [[2, 3, 4]], 24],
  ["product", [new Set([2, 3])], 6],
  ["product", [[]], 1],
  ["product", [[1.5, 2]], 3],
  ["product", [[num("18446744073709551617"), 2]], exact("36893488147419103234")],
  ["product", [[num("-4294967296"), num("4294967296"), -2]], exact("36893488147419103232")],
  ["product", [[num("3037000500"), num("3037000500")]], exact("9223372037000250000")],
  ["product", [[num("123456789012345678901234567890"), 0]], 0],
  ["product", [["x"]], err("product: operand 1 must be array of numbers but got array containing string")],
  ["product", [3], err("product: operand 1 must be one of {set, array} but got number")],
  ["max", [[1, 5, 3]], 5],
  ["max", [new Set([1, 5, 3])], 5],
  ["max", [[1, "a", null, [0], false]], [0]],
  ["max", [[]], UNDEF],
  ["max", [new Set([])], UNDEF],
  ["max", ["abc"], err("max: operand 1 must be one of {set, array} but got string")],
  ["min", [[3, 1, 5]], 1],
  ["min", [new Set([3, 1, 5])], 1],
  ["min", [[1, "a", null, [0], false]], null],
  ["min", [[2, 1.5]], 1.5],
  ["min", [[]], UNDEF],
  ["min", [{}], err("min: operand 1 must be one of {set, array} but got object")],
  ["sort", [[3, 1, 2]], [1, 2, 3]],
  ["sort", [new Set([3, 1, 2])], [1, 2, 3]],
  ["sort", [[]], []],
  ["sort", [["b", 1, null, [1], true, "a", { k: 1 }, 0.5]], [null, true, 0.5, 1, "a", "b", [1], { k: 1 }]],
  ["sort", [[5, 4, 3, 2, 1, 0, -1, 9, 8, 7, 6, 5]], [-1, 0, 1, 2, 3, 4, 5, 5, 6, 7, 8, 9]],
  ["sort", ["abc"], err("sort: operand 1 must be one of {set, array} but got string")],
];

describe("aggregate natives", () => {
  it("match OPA's results and errors", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
