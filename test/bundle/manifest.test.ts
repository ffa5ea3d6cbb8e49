/**
 * Manifest parsing, serialisation and OPA's root rules.
 */
import { describe, expect, it } from "vitest";
import { checkRootsDisjoint, effectiveRoots, parseManifest, rootsContain, serializeManifest } from "../../src/bundle/manifest.js";

const enc = (s: string) => new TextEncoder().encode(s);

describe("manifest", () => {
  it("parses the known fields and round-trips them in OPA's field order", () => {
    const m = parseManifest(enc('{"metadata":{"b":1,"a":2},"wasm":[{"entrypoint":"a/p","module":"/policy.wasm"}],"roots":["a"],"revision":"r","rego_version":1,"extra":true}'));
    expect(m).toEqual({ revision: "r", roots: ["a"], wasm: [{ entrypoint: "a/p", module: "/policy.wasm" }], rego_version: 1, metadata: { b: 1, a: 2 } });
    expect(new TextDecoder().decode(serializeManifest(m))).toBe('{"revision":"r","roots":["a"],"wasm":[{"entrypoint":"a/p","module":"/policy.wasm"}],"rego_version":1,"metadata":{"a":2,"b":1}}\n');
  });

  it("treats no roots as the whole data tree and strips slashes", () => {
    expect(effectiveRoots({})).toEqual([""]);
    expect(effectiveRoots({ roots: ["/a/b/", "c"] })).toEqual(["a/b", "c"]);
  });

  it("matches paths under roots by whole segments", () => {
    expect(rootsContain(["a/b"], "a/b/c")).toBe(true);
    expect(rootsContain(["a/b"], "a/bc")).toBe(false);
    expect(rootsContain([""], "anything")).toBe(true);
  });

  it("refuses overlapping roots and badly typed fields", () => {
    expect(() => checkRootsDisjoint(["a", "a/b"])).toThrowError(/overlap/);
    expect(() => checkRootsDisjoint(["a", "ab"])).not.toThrow();
    expect(() => parseManifest(enc("[]"))).toThrowError(/must be a JSON object/);
    expect(() => parseManifest(enc('{"revision": 5}'))).toThrowError(/"revision" must be a string/);
    expect(() => parseManifest(enc('{"rego_version": 7}'))).toThrowError(/"rego_version" must be 0 or 1/);
    expect(() => parseManifest(enc('{"metadata": []}'))).toThrowError(/"metadata" must be an object/);
  });
});
