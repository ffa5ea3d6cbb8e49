// urlquery built-ins against the urlbuiltins conformance folder and Go's net/url behaviour.
import { describe, expect, it } from "vitest";
import { urlBuiltins as u } from "../../src/builtins/urls.js";

describe("urlquery", () => {
  it("encodes like url.QueryEscape", () => {
    expect(u["urlquery.encode"]!("a=b+1")).toBe("a%3Db%2B1");
    expect(u["urlquery.encode"]!("")).toBe("");
    expect(u["urlquery.encode"]!("a b/ü~")).toBe("a+b%2F%C3%BC~");
  });
  it("encodes objects with sorted keys and repeated values", () => {
    expect(u["urlquery.encode_object"]!({ c: "d", a: "b" })).toBe("a=b&c=d");
    expect(u["urlquery.encode_object"]!({ a: ["b+1", "c+2"] })).toBe("a=b%2B1&a=c%2B2");
    expect(() => u["urlquery.encode_object"]!({ a: 1 })).toThrow(/operand 1 must be/);
  });
  it("decodes", () => {
    expect(u["urlquery.decode"]!("a%3Db%2B1+c")).toBe("a=b+1 c");
    expect(() => u["urlquery.decode"]!("%zz")).toThrow('invalid URL escape "%zz"');
    expect(u["urlquery.decode_object"]!("a=value_a1&b=value_b&a=value_a2")).toEqual({ a: ["value_a1", "value_a2"], b: ["value_b"] });
    expect(u["urlquery.decode_object"]!("a=value_a1&b")).toEqual({ a: ["value_a1"], b: [""] });
    expect(u["urlquery.decode_object"]!("")).toEqual({});
    expect(() => u["urlquery.decode_object"]!("a=1;b=2")).toThrow("invalid semicolon separator in query");
  });
});
