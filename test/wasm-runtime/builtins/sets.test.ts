/**
 * Set natives (union, intersection, and `&`, or `|`) through the real backend, runtime and SDK.
 * Sets dump as sorted JSON arrays. Expected values follow OPA (conformance folders sets, intersection).
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, type Row, type Val } from "./harness.js";

const S = (...xs: Val[]): Set<Val> => new Set(xs);

const rows: Row[] = [
  ["and", [S(1, 2, 3), S(2, 3, 4)], [2, 3]],
  ["and", [S(1, 2), S()], []],
  ["and", [S("a", [1]), S([1], "b")], [[1]]],
  ["and", [S(1), [1]], err("and: operand 2 must be set but got array")],
  ["and", [{}, S(1)], err("and: operand 1 must be set but got object")],
  ["or", [S(1, 2), S(2, 3)], [1, 2, 3]],
  ["or", [S(), S()], []],
  ["or", [S(1, "a"), S(null)], [null, 1, "a"]],
  ["or", [S(1), "x"], err("or: operand 2 must be set but got string")],
  ["union", [S(S(1, 2), S(2, 3), S())], [1, 2, 3]],
  ["union", [S()], []],
  ["union", [S(S("a"), S({ k: 1 }))], ["a", { k: 1 }]],
  ["union", [S(S(1), 2)], err("union: operand 1 must be set but got number")],
  ["union", [[S(1)]], err("union: operand 1 must be set but got array")],
  ["intersection", [S(S(1, 2, 3), S(2, 3, 4), S(3, 2))], [2, 3]],
  ["intersection", [S(S(1, 2), S(3))], []],
  ["intersection", [S(S(1, 2))], [1, 2]],
  ["intersection", [S()], []],
  ["intersection", [S(S(1), "x")], err("intersection: operand 1 must be set but got string")],
];

describe("set natives", () => {
  it("match OPA's results and errors", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
