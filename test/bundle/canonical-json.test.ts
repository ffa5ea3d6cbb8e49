/**
 * The strict JSON reader behind canonical hashing: number text kept, duplicate keys resolved as
 * Go does (last wins), lone surrogates replaced, hostile nesting refused.
 */
import { describe, expect, it } from "vitest";
import { canonicalJson, encodeGoString, parseCanonicalJson } from "../../src/bundle/canonical-json.js";

describe("canonical JSON", () => {
  it("keeps the last of duplicate keys, as Go's decoder does", () => {
    expect(canonicalJson(parseCanonicalJson('{"a": 1, "a": 2}'))).toBe('{"a":2}');
  });
  it("replaces lone surrogates with U+FFFD and strips a BOM", () => {
    expect(canonicalJson(parseCanonicalJson('\ufeff["\\ud800x"]'))).toBe('["\ufffdx"]');
  });
  it("refuses what Go's json.Valid refuses", () => {
    for (const bad of ["{'a': 1}", "[1,]", "01", "1.", "[1] x", '"\u0001"', "NaN", ""]) {
      expect(() => parseCanonicalJson(bad), bad).toThrow();
    }
  });
  it("refuses nesting deeper than 1000 instead of overflowing the stack", () => {
    expect(() => parseCanonicalJson("[".repeat(5000) + "]".repeat(5000))).toThrowError(/nesting deeper than 1000/);
  });
  it("escapes \\b and \\f in short form, U+2029, and keeps / and non-ASCII", () => {
    expect(encodeGoString("\b\f\u2029/ü\u007f")).toBe('"\\b\\f\\u2029/ü\u007f"');
  });
});
