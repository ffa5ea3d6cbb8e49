/**
 * Object natives (object.get/keys/union/remove/subset, walk) through the real backend, runtime and
 * SDK. Expected values follow OPA (conformance folders objectget, objectunion, objectremove,
 * subset, walkbuiltin); sets and non-string keys reach the natives as they are.
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, type Row, type Val } from "./harness.js";

const nested = { a: { b: { c: [10, { d: "deep" }] } }, s: new Set(["x", "y"]), n: null };

const rows: Row[] = [
  // object.get with a key
  ["object.get", [{ a: { b: "c" } }, "a", true], { b: "c" }],
  ["object.get", [{ a: { b: "c" } }, "b", true], true],
  ["object.get", [{ a: null }, "a", "dflt"], null],
  ["object.get", [{ a: false }, "a", true], false],
  ["object.get", [new Map([[1, "one"]]), 1, "none"], "one"],
  ["object.get", [new Map([[1, "one"]]), 1.0, "none"], "one"],
  ["object.get", [{}, "a", [1, 2]], [1, 2]],
  // object.get with a path
  ["object.get", [nested, ["a", "b", "c", 1, "d"], 0], "deep"],
  ["object.get", [nested, ["a", "b", "c", 0], 0], 10],
  ["object.get", [nested, ["a", "b", "c", 2], "missing"], "missing"],
  ["object.get", [nested, ["a", "b", "c", -1], "missing"], "missing"],
  ["object.get", [nested, ["a", "b", "c", "0"], "missing"], "missing"],
  ["object.get", [nested, ["a", "x"], "missing"], "missing"],
  ["object.get", [nested, ["s", "x"], "missing"], "x"],
  ["object.get", [nested, ["s", "z"], "missing"], "missing"],
  ["object.get", [nested, ["n"], "missing"], null],
  ["object.get", [nested, ["n", "x"], "missing"], "missing"],
  ["object.get", [{ a: 1 }, [], "missing"], { a: 1 }],
  ["object.get", [["a"], "a", 1], err("object.get: operand 1 must be object but got array")],
  // object.keys
  ["object.keys", [{ b: 1, a: 2 }], ["a", "b"]],
  ["object.keys", [{}], []],
  ["object.keys", [new Map<Val, Val>([[1, "x"], ["a", "y"]])], [1, "a"]],
  ["object.keys", [[1]], err("object.keys: operand 1 must be object but got array")],
  // object.union
  ["object.union", [{}, {}], {}],
  ["object.union", [{}, { a: 1 }], { a: 1 }],
  ["object.union", [{ a: 1 }, { b: 2 }], { a: 1, b: 2 }],
  ["object.union", [{ b: 2 }, { a: { b: { c: 1 } } }], { a: { b: { c: 1 } }, b: 2 }],
  ["object.union", [{ a: 1 }, { a: 2 }], { a: 2 }],
  ["object.union", [{ a: 1 }, { a: { b: { c: 1 } }, d: 7 }], { a: { b: { c: 1 } }, d: 7 }],
  ["object.union", [{ a: { x: 1, y: { p: 1 } } }, { a: { y: { q: 2 }, z: 3 } }], { a: { x: 1, y: { p: 1, q: 2 }, z: 3 } }],
  ["object.union", [{ a: { x: 1 } }, { a: 5 }], { a: 5 }],
  ["object.union", [{ a: 1 }, [1, 2, 3]], err("object.union: operand 2 must be object but got array")],
  ["object.union", ["x", {}], err("object.union: operand 1 must be object but got string")],
  // object.remove
  ["object.remove", [{ a: 1, b: { c: 3 } }, new Set(["a"])], { b: { c: 3 } }],
  ["object.remove", [{ a: 1, b: { c: 3 }, d: 4 }, new Set(["b", "d"])], { a: 1 }],
  ["object.remove", [{ a: 1, b: { c: 3 }, d: 4 }, { b: 1, d: "" }], { a: 1 }],
  ["object.remove", [{ a: 1, b: 2 }, ["b", "zz"]], { a: 1 }],
  ["object.remove", [{}, new Set(["a", "b"])], {}],
  ["object.remove", [{ a: 1, b: { c: 3 } }, new Set(["z"])], { a: 1, b: { c: 3 } }],
  ["object.remove", [new Map<Val, Val>([["a", 1], [[[7]], 2]]), new Set([[[7]]])], { a: 1 }],
  ["object.remove", [123, new Set(["a"])], err("object.remove: operand 1 must be object but got number")],
  ["object.remove", [null, new Set(["a"])], err("object.remove: operand 1 must be object but got null")],
  ["object.remove", [{ a: 1 }, "foo"], err("object.remove: operand 2 must be one of {object, set, array} but got string")],
  ["object.remove", [{ a: 1 }, null], err("object.remove: operand 2 must be one of {object, set, array} but got null")],
  // object.subset: objects by key (recursively into objects, sets and arrays), sets by member, arrays as a run
  ["object.subset", [{ a: 5, b: 7, n: { x: 10, s: new Set([1, 2, 3, 4]), arr: [6, 7, 8, 9] } }, { a: 5, n: { s: new Set([4, 1]), arr: [6, 7] } }], true],
  ["object.subset", [{ a: 5 }, { a: 5, b: 7 }], false],
  ["object.subset", [{ a: 5, n: { x: 1 } }, { n: { x: 2 } }], false],
  ["object.subset", [new Set([1, 2, 3, new Set(["a", "b", "c"])]), new Set([3, 2, new Set(["a", "b", "c"])])], true],
  ["object.subset", [new Set([1, 2, 3, new Set(["a", "b", "c"])]), new Set([3, 2, new Set(["a", "b"])])], false],
  ["object.subset", [[1, 2, 3, 4, 5, 6], [3, 4, 5]], true],
  ["object.subset", [[1, 2, 3, 4, 5, 6], [4, 5, 6, 8]], false],
  ["object.subset", [[1, 2, 3, 4, 5, 6], []], true],
  ["object.subset", [[1, 2, 3, 4, 5, 6], new Set([4, 3, 2])], true],
  ["object.subset", [[1, 2, 3, 4, 5, 6], new Set([9])], false],
  ["object.subset", [new Map<Val, Val>([[[1], "x"]]), new Map<Val, Val>([[[1], "x"]])], true],
  ["object.subset", [new Set([4, 3, 2]), [1, 2]], err("object.subset: operand 2 must be set but got array")],
  ["object.subset", [{ a: 1 }, [1]], err("object.subset: operand 2 must be object but got array")],
  ["object.subset", [1, [1]], err("object.subset: operand 1 must be one of {object, set, array} but got number")],
  // walk: every [path, value], pre-order, keys in Rego order; a set member is its own path key
  ["walk", [[1, 2]], [[[], [1, 2]], [[0], 1], [[1], 2]]],
  ["walk", [{ v2: "goodbye", v1: "hello" }], [[[], { v1: "hello", v2: "goodbye" }], [["v1"], "hello"], [["v2"], "goodbye"]]],
  ["walk", [{ s: new Set(["x"]) }], [[[], { s: ["x"] }], [["s"], ["x"]], [["s", "x"], "x"]]],
  ["walk", [new Set([[1, 2]])], [[[], [[1, 2]]], [[[1, 2]], [1, 2]], [[[1, 2], 0], 1], [[[1, 2], 1], 2]]],
  ["walk", [new Map<Val, Val>([[1, "one"]])], [[[], { "1": "one" }], [[1], "one"]]],
  ["walk", [7], [[[], 7]]],
];

describe("object natives", () => {
  it("match OPA's results and errors", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
