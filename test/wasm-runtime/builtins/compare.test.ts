/**
 * Comparison natives, membership (internal.member_2/3) and count through the real backend,
 * runtime and SDK: Rego's total order across types, 1 == 1.0, exact big integers.
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, num, type Row } from "./harness.js";

const rows: Row[] = [
  ["equal", [1, num("1.0")], true],
  ["equal", [num("28857836529306024611913"), num("28857836529306024611912")], false],
  ["neq", [num("28857836529306024611913"), num("28857836529306024611912")], true],
  ["equal", [{ a: [1, new Set(["x"])] }, { a: [num("1.0"), new Set(["x"])] }], true],
  ["equal", [new Set([1, 2]), new Set([2, 1])], true],
  ["equal", [[1, 2], [2, 1]], false],
  ["neq", ["a", "a"], false],
  // null < boolean < number < string < array < object < set
  ["lt", [null, false], true],
  ["lt", [true, 0], true],
  ["lt", [num("1e400"), "a"], true],
  ["lt", ["z", []], true],
  ["lt", [[9], {}], true],
  ["lt", [{ z: 1 }, new Set()], true],
  ["lt", [false, true], true],
  ["lt", [num("-1.5"), -1], true],
  ["lt", [num("9223372036854775807"), num("9223372036854775808")], true],
  ["gt", [num("-9223372036854775809"), num("-9223372036854775808")], false],
  ["lt", ["a", "ab"], true],
  ["lt", ["é", "z"], false],
  ["lt", [[1, 2], [1, 3]], true],
  ["lt", [[1, 2], [1, 2, 0]], true],
  ["lt", [{ a: 1 }, { b: 0 }], true],
  ["lt", [{ a: 1 }, { a: 2 }], true],
  ["lt", [new Set([1, 2]), new Set([1, 3])], true],
  ["lte", [2, num("2.0")], true],
  ["gte", ["b", "a"], true],
  ["gt", [1, 2], false],
  ["internal.member_2", [2, [1, 2]], true],
  ["internal.member_2", [num("2.0"), new Set([2])], true],
  ["internal.member_2", ["v", { k: "v" }], true],
  ["internal.member_2", ["k", { k: "v" }], false],
  ["internal.member_2", [1, "1"], false],
  ["internal.member_3", ["k", "v", { k: "v" }], true],
  ["internal.member_3", [1, "b", ["a", "b"]], true],
  ["internal.member_3", [2, "b", ["a", "b"]], false],
  ["internal.member_3", [0, 1, 5], false],
  ["count", [[1, 2, 3]], 3],
  ["count", [{ a: 1 }], 1],
  ["count", [new Set([1, 2, 2])], 2],
  ["count", ["héllo😀"], 6],
  ["count", [1], err("count: operand 1 must be one of {array, object, set, string} but got number")],
  ["count", [null], err("count: operand 1 must be one of {array, object, set, string} but got null")],
];

describe("comparison natives, membership and count", () => {
  it("match OPA's results and errors", async () => {
    const mismatches = (await checkRows(rows)).filter((m) => m !== null);
    expect(mismatches).toEqual([]);
  });

  it("report the statement's location in type errors", async () => {
    const out = await checkRows([["count", [true], err("eval_type_error: case.rego:1:1: count: operand 1 must be")]]);
    expect(out).toEqual([null]);
  });
});
