/**
 * Number natives (abs, round, ceil, floor, numbers.range, to_number, format_int) through the
 * real backend, runtime and SDK. Expected values follow OPA (Go's math on floats, exact ints).
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, exact, num, UNDEF, type Row } from "./harness.js";

const rows: Row[] = [
  ["abs", [-5], 5],
  ["abs", [5], 5],
  ["abs", [-2.5], 2.5],
  ["abs", [0], 0],
  ["abs", [num("-18446744073709551617")], exact("18446744073709551617")],
  ["abs", ["x"], err("abs: operand 1 must be number but got string")],
  ["round", [1.4], 1],
  ["round", [1.5], 2],
  ["round", [2.5], 3],
  ["round", [-1.5], -2],
  ["round", [-1.4], -1],
  ["round", [0.49999999999999994], 0],
  ["round", [7], 7],
  ["round", [num("18446744073709551617")], exact("18446744073709551617")],
  ["round", [null], err("round: operand 1 must be number but got null")],
  ["ceil", [1.1], 2],
  ["ceil", [-1.1], -1],
  ["ceil", [3], 3],
  ["floor", [1.9], 1],
  ["floor", [-1.1], -2],
  ["floor", [num("2.0")], exact("2")],
  ["round", [num("10.00")], exact("10")],
  ["ceil", [num("1e3")], exact("1000")],
  ["abs", [num("-9223372036854775808")], exact("9223372036854775808")],
  ["abs", [num("-2147483648")], 2147483648],
  ["floor", [[1]], err("floor: operand 1 must be number but got array")],
  ["numbers.range", [0, 0], [0]],
  ["numbers.range", [-2, 3], [-2, -1, 0, 1, 2, 3]],
  ["numbers.range", [2, -3], [2, 1, 0, -1, -2, -3]],
  ["numbers.range", [5, 2], [5, 4, 3, 2]],
  ["numbers.range", [num("1.0"), 2], [1, 2]],
  ["numbers.range", [1.5, 2], err("numbers.range: operand 1 must be integer number but got floating-point number")],
  ["numbers.range", [1, "2"], err("numbers.range: operand 2 must be integer but got string")],
  ["to_number", ["3"], 3],
  ["to_number", ["-3.5"], -3.5],
  ["to_number", ["1e3"], 1000],
  ["to_number", ["18446744073709551617"], exact("18446744073709551617")],
  ["to_number", ["+7"], 7],
  ["to_number", [".5"], 0.5],
  ["to_number", ["5."], 5],
  ["to_number", ["007"], 7],
  ["to_number", ["broken"], UNDEF],
  ["to_number", [""], UNDEF],
  ["to_number", ["1e"], UNDEF],
  ["to_number", ["0x10"], UNDEF],
  ["to_number", ["inf"], UNDEF],
  ["to_number", ["1e400"], UNDEF],
  ["to_number", ["-1e-400"], 0],
  ["to_number", [null], 0],
  ["to_number", [true], 1],
  ["to_number", [false], 0],
  ["to_number", [4.25], 4.25],
  ["to_number", [[1]], err("to_number: operand 1 must be one of {null, boolean, number, string} but got array")],
  ["format_int", [15.5, 16], "f"],
  ["format_int", [255, 2], "11111111"],
  ["format_int", [-255, 16], "-ff"],
  ["format_int", [8, 8], "10"],
  ["format_int", [3.1, 10], "3"],
  ["format_int", [-0.5, 10], "0"],
  ["format_int", [num("9223372036854775807"), 16], "7fffffffffffffff"],
  ["format_int", [10, 3], err("format_int: operand 2 must be one of {2, 8, 10, 16}")],
  ["format_int", ["10", 10], err("format_int: operand 1 must be number but got string")],
];

describe("number natives", () => {
  it("match OPA's results and errors", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
