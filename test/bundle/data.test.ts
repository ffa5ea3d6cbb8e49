/**
 * Data merging at file paths, conflicts, and OPA's roots check over data.
 */
import { describe, expect, it } from "vitest";
import { checkDataRoots, dataPathOf, insertData, parseDataFile } from "../../src/bundle/data.js";

describe("data", () => {
  it("places files at their folder path and merges objects", () => {
    const data = {};
    insertData(data, dataPathOf("a/b/data.json"), { x: 1 }, "a/b/data.json");
    insertData(data, dataPathOf("data.json"), { a: { c: 2 } }, "data.json");
    insertData(data, dataPathOf("a/b/c/data.yaml"), [1, 2], "a/b/c/data.yaml");
    expect(data).toEqual({ a: { b: { x: 1, c: [1, 2] }, c: 2 } });
  });

  it("refuses conflicts and non-objects in the way", () => {
    const data = { a: 5 };
    expect(() => insertData(data, ["a", "b"], {}, "a/b/data.json")).toThrowError(/a\/b\/data\.json: cannot place data at data\.a\.b: data\.a is not an object/);
    expect(() => insertData({ a: { b: 1 } }, [], { a: { b: 2 } }, "data.json")).toThrowError(/data\.a\.b is already defined/);
  });

  it("parses YAML as YAML 1.1 (yes/no are booleans, as in OPA's go-yaml)", () => {
    expect(parseDataFile("data.yaml", new TextEncoder().encode("a: yes\nb: [1, x]\n"))).toEqual({ a: true, b: [1, "x"] });
    expect(() => parseDataFile("data.json", new Uint8Array([0xff, 0xfe]))).toThrowError(/not valid UTF-8/);
  });

  it("checks roots like OPA: objects above a root are walked into, anything else must be under one", () => {
    expect(() => checkDataRoots({ a: { b: { c: 1 } } }, ["a/b"])).not.toThrow();
    expect(() => checkDataRoots({ a: { x: 1 } }, ["a/b"])).toThrowError(/data at \/a\/x is outside the manifest roots \["a\/b"\]/);
    expect(() => checkDataRoots({ a: 1 }, ["a/b"])).toThrowError(/data at \/a is outside/);
  });
});
