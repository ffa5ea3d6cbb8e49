/**
 * Canonical hashing against OPA's documented rule (v1/bundle/hash.go and the bundle signing
 * docs): JSON files are parsed, objects re-emitted with keys sorted, no whitespace, numbers as
 * written, strings as Go's encoder writes them with HTML escaping off. The expected canonical
 * texts below are written by hand from that rule, not produced by regent.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashFile, hashInput, isStructuredFile } from "../../src/bundle/hash.js";

const sha256 = (s: string | Uint8Array): string => createHash("sha256").update(s).digest("hex");
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("canonical hashing (OPA's rule)", () => {
  it("hashes a data.json by its canonical form: sorted keys, no whitespace, numbers as written, no HTML escaping", () => {
    const file = '{\n  "b": [ 1, 2.50, {"z": true, "a": null} ],\n  "a": "x<y&z"\n}\n';
    const canonical = '{"a":"x<y&z","b":[1,2.50,{"a":null,"z":true}]}';
    expect(hashFile("data.json", enc(file))).toBe(sha256(canonical));
    // The digest of the hand-written canonical text, from `printf '%s' '<canonical>' | sha256sum`.
    expect(hashFile("data.json", enc(file))).toBe("1e28235df8d079f1a21143a6769e2b675bae188d833b5b5cb58b9c0c8e8acf23");
  });

  it("gives the same digest for two JSON texts that differ only in whitespace and key order", () => {
    const a = hashFile("x/data.json", enc('{"k": {"b": 2, "a": 1}}'));
    const b = hashFile("x/data.json", enc('{"k":{"a":1,"b":2}}'));
    expect(a).toBe(b);
    expect(a).toBe(sha256('{"k":{"a":1,"b":2}}'));
  });

  it("escapes strings as Go does: quotes, backslash, \\n, control characters in lowercase \\u00XX, U+2028", () => {
    const file = '{"s": "q\\"b\\\\n\\nc\\u0001\\u2028é/"}';
    const canonical = '{"s":"q\\"b\\\\n\\nc\\u0001\\u2028é/"}';
    expect(new TextDecoder().decode(hashInput("data.json", enc(file)))).toBe(canonical);
    expect(hashFile("data.json", enc(file))).toBe(sha256(canonical));
  });

  it("sorts keys by UTF-8 bytes, as Go's sort.Strings does (U+FF5E sorts before U+1F600)", () => {
    // UTF-16 order would put "\u{1F600}" (0xD83D...) before "\uFF5E"; UTF-8 order does not.
    const file = '{"\u{1F600}": 1, "\uFF5E": 2, "Z": 3, "a": 4}';
    const canonical = '{"Z":3,"a":4,"\uFF5E":2,"\u{1F600}":1}';
    expect(new TextDecoder().decode(hashInput("data.json", enc(file)))).toBe(canonical);
  });

  it("keeps the number text exactly (1.0, 1e3, -0 are not normalised)", () => {
    const canonical = '{"a":1.0,"b":1e3,"c":-0,"d":12345678901234567890}';
    expect(hashFile("data.json", enc('{"d": 12345678901234567890, "c": -0, "b": 1e3, "a": 1.0}'))).toBe(sha256(canonical));
  });

  it("hashes .manifest canonically and data.yaml via its JSON form", () => {
    expect(hashFile(".manifest", enc('{"roots": ["b", "a"], "revision": "7"}'))).toBe(sha256('{"revision":"7","roots":["b","a"]}'));
    expect(hashFile("a/data.yaml", enc("z: 1\na: [x, true]\n"))).toBe(sha256('{"a":["x",true],"z":1}'));
  });

  it("hashes every other file as raw bytes, including data.yml, as OPA's IsStructuredDoc decides", () => {
    const rego = enc("package a\n\nallow := true\n");
    expect(hashFile("a/policy.rego", rego)).toBe(sha256(rego));
    expect(isStructuredFile("a/data.yml")).toBe(false);
    expect(hashFile("a/data.yml", enc("a: 1\n"))).toBe(sha256("a: 1\n"));
    const wasm = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    expect(hashFile("policy.wasm", wasm)).toBe(sha256(wasm));
  });

  it("refuses a structured file that is neither JSON nor YAML with a clear error", () => {
    expect(() => hashFile("data.json", enc("{ not: [valid"))).toThrowError(/data\.json: not valid JSON or YAML/);
  });

  // Digests that OPA's own tests expect (v1/bundle/bundle_test.go: TestReadWithSignatures,
  // TestReadWithSignaturesWithBaseDir, TestVerifyBundleFileHash), for the same file texts.
  it("matches the digests in OPA's own bundle tests", () => {
    expect(hashFile(".manifest", enc('{"revision": "quickbrownfaux"}'))).toBe("507a2c38a1441db58d2cb87982c42aa91a4342ef422a6b542eddebeef6f0412f");
    expect(hashFile("a/b/c/data.json", enc("[1,2,3]"))).toBe("a615eeaee21de5179de080de8c3052c8da901138406ba71c38c032845f7d54f4");
    expect(hashFile("http/policy/policy.rego", enc("package example"))).toBe("f664461e303b37c20c5e0be2900881678cdf8e860aa433a5a14d494ba3c66649");
    expect(hashFile("a/b/c/data.json", enc("[1,2,3]"), "SHA-512")).toBe("60f7b5dc86ded48785436192a08dbfd04894d7f1b417c4f8d3714679a7f78cb3c833f16a8559a1cf1f32968747dc1d95ef34826263dacf125ded8f5c374be4c0");
    expect(hashFile("a/b/y/data.yaml", enc("foo: 1"), "SHA-512")).toBe("20f27a640a233e6524fe7d138898583cd43475724806feb26be7f214e1d10b29edf6a0d3cb08f82107a45686b61b8fdabab6406cf4e70efe134f42238dbd70ab");
    expect(hashFile("policy.wasm", enc("modules-compiled-as-wasm-binary"), "SHA-512")).toBe("4f73765168fd8b5c294b739436da312cc5e979faf09f67bf576d36ea79a4f79c70cbb3c33d06ff65f531a9f42abd0a8f4daacc554cb521837e876dc28f56ce89");
  });
});
