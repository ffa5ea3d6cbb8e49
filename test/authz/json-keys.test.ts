/** hasDuplicateKey: repeated keys at any depth, decoded escapes, strings that look like structure. */
import { describe, expect, it } from "vitest";
import { hasDuplicateKey } from "../../src/authz/json-keys.js";

describe("hasDuplicateKey", () => {
  it("finds a repeated key at any depth", () => {
    expect(hasDuplicateKey('{"a":1,"a":2}')).toBe(true);
    expect(hasDuplicateKey('{"params":{"name":"search_docs","name":"delete_repo"}}')).toBe(true);
    expect(hasDuplicateKey('[{"a":1},{"b":[{"c":1,"c":1}]}]')).toBe(true);
  });

  it("compares keys as decoded", () => {
    expect(hasDuplicateKey('{"name":1,"na\\u006de":2}')).toBe(true);
    expect(hasDuplicateKey('{"a\\"b":1,"a\\\\b":2}')).toBe(false);
  });

  it("allows the same key in different objects and values that look like keys", () => {
    expect(hasDuplicateKey('{"a":{"a":1},"b":[{"a":1},{"a":2}]}')).toBe(false);
    expect(hasDuplicateKey('{"a":"a","b":["a","a"],"c":"{\\"a\\":1,\\"a\\":2}"}')).toBe(false);
    expect(hasDuplicateKey(' { "x" : [ 1 , { "y" : 2 } ] , "z" : { } } ')).toBe(false);
    expect(hasDuplicateKey("[1,2,[3]]")).toBe(false);
    expect(hasDuplicateKey('"just a string"')).toBe(false);
  });

  it("walks deep nesting without recursion", () => {
    const deep = "[".repeat(100_000) + '{"a":1,"a":2}' + "]".repeat(100_000);
    expect(hasDuplicateKey(deep)).toBe(true);
  });
});
