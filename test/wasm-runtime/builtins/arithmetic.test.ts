/**
 * Arithmetic natives (plus minus mul div rem; minus on sets) through the real backend, runtime
 * and SDK. Expected values and messages follow OPA.
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, exact, num, type Row } from "./harness.js";

const rows: Row[] = [
  ["plus", [1, 2], 3],
  ["plus", [1.5, 2.5], 4],
  ["plus", [1, 2.5], 3.5],
  ["plus", [num("2147483647"), 1], 2147483648],
  ["plus", [num("9223372036854775807"), 1], exact("9223372036854775808")],
  ["plus", [num("18446744073709551617"), 1], exact("18446744073709551618")],
  ["plus", [num("123456789012345678901234567890"), 1], exact("123456789012345678901234567891")],
  ["plus", [num("10.00"), 5], 15],
  ["plus", [num("1e30"), 1], exact("1000000000000000000000000000001")],
  ["plus", [num("1.5e3"), 1], 1501],
  ["mul", [num("-2e20"), 3], exact("-600000000000000000000")],
  ["rem", [num("18446744073709551617"), num("18446744073709551616")], 1],
  ["rem", [num("-36893488147419103235"), num("18446744073709551616")], -3],
  ["plus", ["a", 1], err("plus: operand 1 must be number but got string")],
  ["plus", [1, null], err("plus: operand 2 must be number but got null")],
  ["minus", [5, 7], -2],
  ["minus", [num("-18446744073709551617"), 1], exact("-18446744073709551618")],
  ["minus", [num("18446744073709551617"), 1], exact("18446744073709551616")],
  ["minus", [num("-9223372036854775808"), 1], exact("-9223372036854775809")],
  ["minus", [0.5, 0.25], 0.25],
  ["minus", [new Set([1, 2, 3]), new Set([2])], [1, 3]],
  ["minus", [new Set([1]), 1], err("minus: operand 2 must be set but got number")],
  ["minus", [1, new Set([1])], err("minus: operand 2 must be number but got set")],
  ["minus", ["x", 1], err("minus: operand 1 must be one of {number, set} but got string")],
  ["mul", [6, 7], 42],
  ["mul", [2.5, 2], 5],
  ["mul", [num("2147483647"), num("2147483647")], exact("4611686014132420609")],
  ["mul", [num("18446744073709551617"), 2], exact("36893488147419103234")],
  ["mul", [num("-2147483648"), num("-2147483648")], exact("4611686018427387904")],
  ["mul", [true, 2], err("mul: operand 1 must be number but got boolean")],
  ["div", [6, 3], 2],
  ["div", [-6, 3], -2],
  ["div", [1, 4], 0.25],
  ["div", [0, 5], 0],
  ["div", [1, 0], err("div: divide by zero")],
  // Floats print as Go's big.Float Text('g', -1) does (OPA's FloatToNumber).
  ["div", [1, 3], exact("0.3333333333333333")],
  // Not `0.1 + 0.2`: asc's Grisu2 prints 0.30000000000000007 (the same double, not the shortest
  // text) and OPA's 64-bit big.Float prints 0.3; see the runtime README.
  ["plus", [0.1, 0.2], 0.30000000000000004],
  ["mul", [num("1234567.5"), 1], exact("1.2345675e+06")],
  ["div", [1, num("10000000")], exact("1e-07")],
  ["div", [1, num("10000")], exact("0.0001")],
  ["mul", [num("-123456.7"), 1], exact("-123456.7")],
  ["div", [1, 0.0], err("div: divide by zero")],
  ["div", [1, []], err("div: operand 2 must be number but got array")],
  ["rem", [-17, 5], -2],
  ["rem", [17, -5], 2],
  ["rem", [num("4.0"), 3], 1],
  ["rem", [10, num("18446744073709551616")], 10],
  ["rem", [num("1.1"), 1], err("rem: modulo on floating-point number")],
  ["rem", [1, 0], err("rem: modulo by zero")],
  ["rem", ["1", 1], err("rem: operand 1 must be number but got string")],
];

describe("arithmetic natives", () => {
  it("match OPA's results and errors", async () => {
    const mismatches = (await checkRows(rows)).filter((m) => m !== null);
    expect(mismatches).toEqual([]);
  });
});
