/**
 * The signature payload in OPA's shape: files sorted with SHA-256 hashes, sorted top-level
 * keys (as Go marshals a map), keyid and scope, claims merged, `files` not overridable.
 */
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { signaturePayload, signBundle, signedFiles } from "../../src/bundle/sign.js";
import { sampleBundle } from "./fixtures.js";

describe("sign", () => {
  it("lists every file, sorted, with OPA's algorithm name", () => {
    const files = signedFiles(sampleBundle());
    expect(files.map((f) => f.name)).toEqual([".manifest", "envoy/authz/policy.rego", "policy.wasm", "regent/datasets/data.json"]);
    expect(files.every((f) => f.algorithm === "SHA-256" && /^[0-9a-f]{64}$/.test(f.hash))).toBe(true);
  });

  it("writes a payload with sorted keys, keyid and scope, and extra claims", () => {
    const text = new TextDecoder().decode(signaturePayload([{ name: "a", hash: "00", algorithm: "SHA-256" }], { keyId: "k", scope: "s", claims: { iss: "ci", iat: 1 } }));
    expect(text).toBe('{"files":[{"name":"a","hash":"00","algorithm":"SHA-256"}],"iat":1,"iss":"ci","keyid":"k","scope":"s"}');
    expect(() => signaturePayload([], { claims: { files: [] } })).toThrowError(/may not set "files"/);
  });

  it("puts alg and kid in the protected header and replaces earlier signatures", async () => {
    const once = await signBundle(sampleBundle(), { secret: "secret-secret-secret-secret-1234", alg: "HS512", keyId: "k9" });
    const twice = await signBundle(once, { secret: "secret-secret-secret-secret-1234", alg: "HS256" });
    expect(decodeProtectedHeader(once.signatures!.signatures[0])).toEqual({ alg: "HS512", kid: "k9" });
    expect(twice.signatures!.signatures).toHaveLength(1);
    expect(decodeProtectedHeader(twice.signatures!.signatures[0])).toEqual({ alg: "HS256" });
  });
});
