// Host object built-ins (object.filter, object.union_n) against the objectfilter conformance folder.
import { describe, expect, it } from "vitest";
import { objectBuiltins as o } from "../../src/builtins/objects.js";

describe("object built-ins", () => {
  it("filters keys given as array, set or object", () => {
    expect(o["object.filter"]!({ a: { b: { c: 7, d: 8 } }, e: 9 }, ["a"])).toEqual({ a: { b: { c: 7, d: 8 } } });
    expect(o["object.filter"]!({ a: 1, b: 2, c: 3 }, { a: 0, c: 0 })).toEqual({ a: 1, c: 3 });
    expect(() => o["object.filter"]!([], ["a"])).toThrow("object.filter: operand 1 must be object but got array");
    expect(() => o["object.filter"]!({}, "a")).toThrow("object.filter: operand 2 must be one of {object, set, array} but got string");
  });
  it("merges objects deeply with union_n", () => {
    expect(o["object.union_n"]!([{ a: 1, b: { c: 1 } }, { b: { d: 2 } }, { a: 3 }])).toEqual({ a: 3, b: { c: 1, d: 2 } });
    expect(o["object.union_n"]!([])).toEqual({});
    expect(() => o["object.union_n"]!([1])).toThrow(/array of objects/);
  });
});
