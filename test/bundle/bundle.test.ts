/**
 * parseBundleFiles: what a valid bundle yields (manifest, wasm, merged data, modules) and the
 * clear errors for malformed content: bad manifest, wasm that is not wasm, data conflicts,
 * data and packages outside the roots.
 */
import { describe, expect, it } from "vitest";
import { parseBundleFiles } from "../../src/bundle/bundle.js";
import { sampleFiles, TINY_WASM } from "./fixtures.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const withFiles = (extra: Record<string, string | Uint8Array>, drop: string[] = []): Map<string, Uint8Array> => {
  const files = sampleFiles();
  for (const d of drop) files.delete(d);
  for (const [k, v] of Object.entries(extra)) files.set(k, typeof v === "string" ? enc(v) : v);
  return files;
};

describe("parseBundleFiles", () => {
  it("derives manifest, wasm, data and modules", () => {
    const b = parseBundleFiles(withFiles({ "regent/plans/data.yaml": "pro:\n  models: [gpt-4o]\n" }));
    expect(b.manifest.revision).toBe("r1");
    expect(b.wasm).toEqual([{ entrypoint: "envoy/authz/allow", module: "policy.wasm", bytes: TINY_WASM }]);
    expect(b.data).toEqual({ regent: { datasets: { tickets: { classification: "confidential" } }, plans: { pro: { models: ["gpt-4o"] } } } });
    expect(b.modules).toEqual([{ path: "envoy/authz/policy.rego", source: "package envoy.authz\n\nallow := true\n" }]);
    expect(b.signatures).toBeNull();
    expect(b.files.has(".manifest")).toBe(true);
  });

  it("splits off .signatures.json and checks its shape", () => {
    const b = parseBundleFiles(withFiles({ ".signatures.json": '{"signatures":["a.b.c"]}' }));
    expect(b.signatures).toEqual({ signatures: ["a.b.c"] });
    expect(b.files.has(".signatures.json")).toBe(false);
    expect(() => parseBundleFiles(withFiles({ ".signatures.json": '{"signatures":"x"}' }))).toThrowError(/\.signatures\.json: must be an object/);
  });

  it("rejects a policy.wasm that is not wasm, by magic and by validation", () => {
    expect(() => parseBundleFiles(withFiles({ "policy.wasm": "MZ not wasm" }))).toThrowError(/policy\.wasm: not a WebAssembly module \(bad magic/);
    const broken = new Uint8Array([...TINY_WASM, 0x01, 0xff, 0xff]);
    expect(() => parseBundleFiles(withFiles({ "policy.wasm": broken }))).toThrowError(/policy\.wasm: not a valid WebAssembly module/);
  });

  it("rejects a manifest that is not JSON or has badly typed fields", () => {
    expect(() => parseBundleFiles(withFiles({ ".manifest": "{roots" }))).toThrowError(/\.manifest: not valid JSON/);
    expect(() => parseBundleFiles(withFiles({ ".manifest": '{"roots":"envoy"}' }))).toThrowError(/"roots" must be an array of strings/);
    expect(() => parseBundleFiles(withFiles({ ".manifest": '{"wasm":[{"entrypoint":1}]}' }))).toThrowError(/"wasm\[0\]" must be/);
  });

  it("rejects a manifest wasm entry whose module is missing", () => {
    expect(() => parseBundleFiles(withFiles({}, ["policy.wasm"]))).toThrowError(/wasm module \/policy\.wasm .* is not in the bundle/);
  });

  it("rejects overlapping roots", () => {
    expect(() => parseBundleFiles(withFiles({ ".manifest": '{"roots":["a","a/b"]}' }, ["policy.wasm"]))).toThrowError(/roots "a" and "a\/b" overlap/);
  });

  it("rejects data outside the manifest roots", () => {
    expect(() => parseBundleFiles(withFiles({ "other/data.json": '{"x":1}' }))).toThrowError(/data at \/other is outside the manifest roots/);
    expect(() => parseBundleFiles(withFiles({ "data.json": '{"elsewhere": 1}' }))).toThrowError(/data at \/elsewhere is outside/);
  });

  it("accepts root data.json whose keys lie under the roots", () => {
    const b = parseBundleFiles(withFiles({ "data.json": '{"regent": {"limits": {"max": 5}}}' }));
    expect(b.data).toMatchObject({ regent: { limits: { max: 5 } } });
  });

  it("rejects a package outside the roots", () => {
    expect(() => parseBundleFiles(withFiles({ "x/p.rego": "# comment\npackage other.thing\n" }))).toThrowError(/package other\.thing is outside the manifest roots/);
  });

  it("rejects data that is not an object where an object is needed, and conflicting data", () => {
    expect(() => parseBundleFiles(withFiles({ "data.json": "[1,2]" }, [".manifest", "policy.wasm"]))).toThrowError(/data at the bundle root must be a JSON object/);
    expect(() => parseBundleFiles(withFiles({ "regent/data.json": '{"datasets": 5}' }))).toThrowError(/already defined by another data file|is not an object/);
    expect(() => parseBundleFiles(withFiles({ "regent/data.json": '{"datasets": {"tickets": 1}}' }))).toThrowError(/data\.regent\.datasets\.tickets is already defined/);
  });

  it("rejects malformed data files and never pollutes prototypes", () => {
    expect(() => parseBundleFiles(withFiles({ "regent/x/data.json": "{nope" }))).toThrowError(/regent\/x\/data\.json: not valid JSON/);
    expect(() => parseBundleFiles(withFiles({ "regent/x/data.yaml": "a: [1,\n" }))).toThrowError(/regent\/x\/data\.yaml: not valid YAML/);
    const b = parseBundleFiles(withFiles({ "regent/x/data.json": '{"__proto__": {"polluted": true}}' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys((b.data.regent as Record<string, Record<string, unknown>>).x)).toEqual(["__proto__"]);
  });

  it("rejects a Rego file with no package", () => {
    expect(() => parseBundleFiles(withFiles({ "envoy/x.rego": "allow := true" }))).toThrowError(/envoy\/x\.rego: no package declaration/);
  });
});
