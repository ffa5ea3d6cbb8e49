// yaml built-ins against the jsonbuiltins conformance folder (is_valid cases, marshal round trip).
import { describe, expect, it } from "vitest";
import { yamlBuiltins as y } from "../../src/builtins/yaml.js";

describe("yaml", () => {
  it("round-trips (jsonbuiltins marshal/unmarshal)", () => {
    const text = y["yaml.marshal"]!([{ foo: [1, 2, 3] }]) as string;
    expect(y["yaml.unmarshal"]!(text)).toEqual([{ foo: [1, 2, 3] }]);
  });
  it("marshals like Go: sorted keys, unindented sequences", () => {
    expect(y["yaml.marshal"]!({ b: [1, 2], a: "x" })).toBe("a: x\nb:\n- 1\n- 2\n");
  });
  it("validates every document", () => {
    expect(y["yaml.is_valid"]!("foo:\n - qux: bar\n - baz: 2")).toBe(true);
    expect(y["yaml.is_valid"]!("foo:\n - qux: bar\n - baz: {")).toBe(false);
    expect(y["yaml.is_valid"]!('{"json": "ok"}')).toBe(true);
    expect(y["yaml.is_valid"]!("  test:\ntest1: hello\n")).toBe(false);
    expect(y["yaml.is_valid"]!("a: 1\n---\n\tb: 2\n")).toBe(false);
    expect(y["yaml.is_valid"]!("a: 1\n---\nb: 2\n")).toBe(true);
    expect(y["yaml.is_valid"]!(1)).toBe(false);
  });
  it("reports bad documents and keeps keys strings", () => {
    expect(() => y["yaml.unmarshal"]!("a: [")).toThrow(/yaml.unmarshal: /);
    expect(y["yaml.unmarshal"]!("1: one\ntrue: yes")).toEqual({ "1": "one", true: "yes" });
    expect(y["yaml.unmarshal"]!("")).toBe(null);
  });
});
