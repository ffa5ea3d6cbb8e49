// object.filter / object.subset / object.union_n / walk against the objectfilter, subset and walkbuiltin
// conformance folders.
import { describe, expect, it } from "vitest";
import { objectBuiltins as o } from "../../src/builtins/objects.js";

describe("object built-ins", () => {
  it("filters keys given as array, set or object", () => {
    expect(o["object.filter"]!({ a: { b: { c: 7, d: 8 } }, e: 9 }, ["a"])).toEqual({ a: { b: { c: 7, d: 8 } } });
    expect(o["object.filter"]!({ a: 1, b: 2, c: 3 }, { a: 0, c: 0 })).toEqual({ a: 1, c: 3 });
    expect(() => o["object.filter"]!([], ["a"])).toThrow("object.filter: operand 1 must be object but got array");
    expect(() => o["object.filter"]!({}, "a")).toThrow("object.filter: operand 2 must be one of {object, set, array} but got string");
  });
  it("decides subsets", () => {
    const A = { a: 5, b: 7, c: 15, nested: { x: 10, y: 15, z: 20 } };
    expect(o["object.subset"]!(A, { a: 5 })).toBe(true);
    expect(o["object.subset"]!({ a: 5 }, A)).toBe(false);
    expect(o["object.subset"]!(A, { a: 5, b: 10 })).toBe(false);
    expect(o["object.subset"]!(A, { a: 5, nested: { x: 10, y: 15 } })).toBe(true);
    const arr = [1, 2, 3, 4, 5, 6];
    expect(o["object.subset"]!(arr, [3, 4, 5])).toBe(true);
    expect(o["object.subset"]!(arr, [1, 2, 3])).toBe(true);
    expect(o["object.subset"]!(arr, arr)).toBe(true);
    expect(o["object.subset"]!(arr, [4, 5, 6, 8])).toBe(false);
    expect(o["object.subset"]!(arr, [8, 9, 10])).toBe(false);
    expect(() => o["object.subset"]!(1, [])).toThrow(/operand 1 must be/);
  });
  it("merges objects deeply with union_n", () => {
    expect(o["object.union_n"]!([{ a: 1, b: { c: 1 } }, { b: { d: 2 } }, { a: 3 }])).toEqual({ a: 3, b: { c: 1, d: 2 } });
    expect(o["object.union_n"]!([])).toEqual({});
    expect(() => o["object.union_n"]!([1])).toThrow(/array of objects/);
  });
  it("walks every [path, value] pair (walkbuiltin)", () => {
    expect(o.walk!([1, 2])).toEqual([[[], [1, 2]], [[0], 1], [[1], 2]]);
    expect(o.walk!({ v2: "goodbye", v1: "hello" })).toEqual([
      [[], { v1: "hello", v2: "goodbye" }], [["v1"], "hello"], [["v2"], "goodbye"],
    ]);
    expect(o.walk!(1)).toEqual([[[], 1]]);
  });
});
