// Host object built-ins (object.union_n) against OPA's docs.
import { describe, expect, it } from "vitest";
import { objectBuiltins as o } from "../../src/builtins/objects.js";

describe("object built-ins", () => {
  it("merges objects deeply with union_n", () => {
    expect(o["object.union_n"]!([{ a: 1, b: { c: 1 } }, { b: { d: 2 } }, { a: 3 }])).toEqual({ a: 3, b: { c: 1, d: 2 } });
    expect(o["object.union_n"]!([])).toEqual({});
    expect(() => o["object.union_n"]!([1])).toThrow(/array of objects/);
  });
});
