/**
 * Bitwise natives through the real backend, runtime and SDK. Expected values follow OPA's
 * big.Int semantics (conformance folders bitsand, bitsor, bitsxor, bitsshiftleft, bitsshiftright).
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, exact, num, type Row } from "./harness.js";

const rows: Row[] = [
  ["bits.and", [50, 0], 0],
  ["bits.and", [12, 10], 8],
  ["bits.and", [-1, 255], 255],
  ["bits.and", [7.2, 42], err("bits.and: operand 1 must be integer number but got floating-point number")],
  ["bits.and", ["7", 42], err("bits.and: operand 1 must be integer but got string")],
  ["bits.or", [12, 10], 14],
  ["bits.or", [-8, 3], -5],
  ["bits.or", [7.2, 42], err("bits.or: operand 1 must be integer number but got floating-point number")],
  ["bits.xor", [42, 3], 41],
  ["bits.xor", [-1, 0], -1],
  ["bits.xor", [7.2, 42], err("bits.xor: operand 1 must be integer number but got floating-point number")],
  ["bits.negate", [0], -1],
  ["bits.negate", [42], -43],
  ["bits.negate", [-43], 42],
  ["bits.lsh", [1, 3], 8],
  ["bits.lsh", [2147483647, 1], 4294967294],
  ["bits.lsh", [num("9223372036854775807"), 1], exact("18446744073709551614")],
  ["bits.lsh", [-3, 64], exact("-55340232221128654848")],
  ["bits.lsh", [1, 100], exact("1267650600228229401496703205376")],
  ["bits.lsh", [0, 1000], 0],
  ["bits.lsh", [5, 0], 5],
  ["bits.lsh", [7.2, 42], err("bits.lsh: operand 1 must be integer number but got floating-point number")],
  ["bits.lsh", [1, -1], err("bits.lsh: operand 2 must be an unsigned integer number but got a negative integer")],
  ["bits.rsh", [8, 3], 1],
  ["bits.rsh", [-5, 1], -3],
  ["bits.rsh", [-5, 100], -1],
  ["bits.rsh", [5, 100], 0],
  ["bits.rsh", [5, -2], err("bits.rsh: operand 2 must be an unsigned integer number but got a negative integer")],
];

describe("bitwise natives", () => {
  it("match OPA's results and errors", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
