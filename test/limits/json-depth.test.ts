/** Nesting depth without recursion: on JSON text (strings and escapes skipped) and on values. */
import { describe, expect, it } from "vitest";
import { jsonTextTooDeep, valueTooDeep } from "../../src/limits/json-depth.js";

describe("jsonTextTooDeep", () => {
  it("counts arrays and objects, not brackets inside strings", () => {
    expect(jsonTextTooDeep("[[[]]]", 3)).toBe(false);
    expect(jsonTextTooDeep("[[[[]]]]", 3)).toBe(true);
    expect(jsonTextTooDeep('{"a":{"b":"[[[[[[["}}', 2)).toBe(false);
    expect(jsonTextTooDeep('["\\"[[[[", [1]]', 2)).toBe(false);
    expect(jsonTextTooDeep(new TextEncoder().encode('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(jsonTextTooDeep("[".repeat(1_000_000), 64)).toBe(true);
  });
});

describe("valueTooDeep", () => {
  it("walks without recursion, however deep", () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(valueTooDeep(v, 64)).toBe(true);
    expect(valueTooDeep({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(valueTooDeep({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(valueTooDeep("text", 0)).toBe(false);
  });
});
