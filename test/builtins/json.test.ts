// Host JSON built-ins (json.patch, json.marshal_with_options) against the jsonpatch conformance folder
// and RFC 6902's examples.
import { describe, expect, it } from "vitest";
import { jsonBuiltins as j } from "../../src/builtins/json.js";

describe("json.patch", () => {
  const patch = j["json.patch"]!;
  it("applies RFC 6902 operations", () => {
    expect(patch({ foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }])).toEqual({ foo: "bar", baz: "qux" });
    expect(patch({ foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/1", value: "qux" }])).toEqual({ foo: ["bar", "qux", "baz"] });
    expect(patch({ foo: [1] }, [{ op: "add", path: "/foo/-", value: 2 }])).toEqual({ foo: [1, 2] });
    expect(patch({ baz: "qux", foo: "bar" }, [{ op: "remove", path: "/baz" }])).toEqual({ foo: "bar" });
    expect(patch({ baz: "qux" }, [{ op: "replace", path: "/baz", value: "boo" }])).toEqual({ baz: "boo" });
    expect(patch({ foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } }, [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }]))
      .toEqual({ foo: { bar: "baz" }, qux: { corge: "grault", thud: "fred" } });
    expect(patch({ a: [1] }, [{ op: "copy", from: "/a", path: "/b" }])).toEqual({ a: [1], b: [1] });
    expect(patch({ a: { b: 1 } }, [{ op: "test", path: "/a", value: { b: 1 } }])).toEqual({ a: { b: 1 } });
    expect(patch({ "a/b": 1 }, [{ op: "remove", path: "/a~1b" }])).toEqual({});
    expect(patch({ a: 1 }, [{ op: "add", path: ["b"], value: 2 }])).toEqual({ a: 1, b: 2 });
  });
  it("fails on bad paths and failed tests", () => {
    expect(() => patch([1, 2, 3], [{ op: "add", path: "1.2", value: "foo" }])).toThrow(/json.patch: invalid JSON pointer/);
    expect(() => patch({ q: { bar: 2 } }, [{ op: "add", path: "/a/b", value: 1 }])).toThrow(/does not exist/);
    expect(() => patch({ a: 1 }, [{ op: "test", path: "/a", value: 2 }])).toThrow("test failed");
    expect(() => patch({ a: 1 }, [{ op: "test", path: "/a" }])).toThrow("test needs a value");
    expect(() => patch([1], [{ op: "add", path: "/01", value: 2 }])).toThrow("invalid array index");
    expect(() => patch({ a: 1 }, [{ op: "frob", path: "/a" }])).toThrow("unknown operation");
  });
});

describe("json.marshal_with_options", () => {
  const m = j["json.marshal_with_options"]!;
  it("marshals like Go's json.MarshalIndent", () => {
    expect(m({ b: [1, "<x>"], a: {} }, {})).toBe('{"a":{},"b":[1,"\\u003cx\\u003e"]}');
    expect(m({ a: [1, 2] }, { pretty: true })).toBe('{\n\t"a": [\n\t\t1,\n\t\t2\n\t]\n}');
    expect(m({ a: 1 }, { indent: "  ", prefix: "> " })).toBe('{\n>   "a": 1\n> }');
    expect(() => m(1, { nope: 1 })).toThrow("unknown key nope");
  });
});
