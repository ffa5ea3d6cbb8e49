// The big-integer-preserving JSON parser used for operands passed as JSON text.
import { describe, expect, it } from "vitest";
import { parseExactJson } from "../../src/builtins/exact-json.js";

describe("parseExactJson", () => {
  it("parses JSON, keeping integers beyond 2^53 exact", () => {
    expect(parseExactJson(' {"a": [1, -2.5e3, "x\\"y", true, null, {}], "b": []} ')).toEqual({ a: [1, -2500, 'x"y', true, null, {}], b: [] });
    expect(parseExactJson("9223372036854775807")).toBe(9223372036854775807n);
    expect(parseExactJson("[-18446744073709551617, 9007199254740991]")).toEqual([-18446744073709551617n, 9007199254740991]);
    expect(parseExactJson("1e30")).toBe(1e30);
  });
  it("rejects malformed text", () => {
    for (const bad of ["", "[1,", "{1: 2}", "[1] x", '"open', "01", "tru"]) expect(() => parseExactJson(bad), bad).toThrow();
  });
});
