/**
 * `regent verify`: exit 0 for a good signature, non-zero naming the problem otherwise, text
 * and JSON output, keys from PEM files, JWKS files and secrets.
 */
import { createPublicKey } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompactSign, exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBundle } from "../../src/bundle/fs.js";
import { signBundle } from "../../src/bundle/sign.js";
import { writeBundle } from "../../src/bundle/write.js";
import { runVerify } from "../../src/cli/verify.js";
import { sampleBundle } from "../bundle/fixtures.js";
import { runVerbProcess } from "./cli-harness.js";

let dir: string;
let pubPath: string;
let jwksPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "regent-cli-verify-"));
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  pubPath = join(dir, "pub.pem");
  await writeFile(pubPath, await exportSPKI(publicKey));
  jwksPath = join(dir, "keys.jwks");
  await writeFile(jwksPath, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "ci" }] }));
  const signed = await signBundle(sampleBundle(), { key: await exportPKCS8(privateKey), alg: "RS256", keyId: "ci" });
  await writeFile(join(dir, "signed.tar.gz"), await writeBundle(signed));
  const files = new Map(signed.files);
  files.set("envoy/authz/policy.rego", new TextEncoder().encode("package envoy.authz\nallow := input.x\n"));
  await writeFile(join(dir, "tampered.tar.gz"), await writeBundle({ ...signed, files }));
  await writeFile(join(dir, "unsigned.tar.gz"), await writeBundle(sampleBundle()));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("regent verify", () => {
  it("accepts a good signature with a PEM file or a JWKS file", async () => {
    const r = await runVerify(join(dir, "signed.tar.gz"), { verificationKey: pubPath });
    expect(r).toMatchObject({ code: 0, stdout: "OK: signature valid (RS256, key id ci), 4 files verified\n" });
    expect((await runVerify(join(dir, "signed.tar.gz"), { verificationKey: jwksPath })).code).toBe(0);
  });

  it("refuses the key confusions: DER public key bytes as an HMAC secret, a missing key path as the key", async () => {
    const derPath = join(dir, "pub.der");
    await writeFile(derPath, createPublicKey(await readFile(pubPath, "utf8")).export({ type: "spki", format: "der" }));
    expect((await runVerify(join(dir, "signed.tar.gz"), { verificationKey: derPath })).code).toBe(0);
    // The attacker re-signs the honest payload with HS256, keyed with the public key's DER bytes.
    const signed = await readBundle(join(dir, "signed.tar.gz"));
    const payload = Buffer.from(signed.signatures!.signatures[0].split(".")[1], "base64url");
    const forged = await new CompactSign(payload).setProtectedHeader({ alg: "HS256", kid: "ci" }).sign(await readFile(derPath));
    await writeFile(join(dir, "forged.tar.gz"), await writeBundle({ ...signed, signatures: { signatures: [forged] } }));
    const r = await runVerify(join(dir, "forged.tar.gz"), { verificationKey: derPath });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/algorithm HS256 does not fit the verification key \(an RSA public key allows RS256/);
    // A mistyped path, with or without an extension, is an error and never the HMAC secret itself.
    for (const missing of ["keys/pub", "pubkey", join(dir, "nope.pem")]) {
      const m = await runVerify(join(dir, "forged.tar.gz"), { verificationKey: missing });
      expect(m).toMatchObject({ code: 1, stdout: "" });
      expect(m.stderr).toMatch(/bundle_io_error: --verification-key: key file .* does not exist/);
    }
    expect((await runVerify(join(dir, "signed.tar.gz"), { verificationKey: pubPath, verificationSecretFile: pubPath })).stderr).toMatch(/either --verification-key or --verification-secret-file, not both/);
  });

  it("names the changed file and exits non-zero", async () => {
    const r = await runVerify(join(dir, "tampered.tar.gz"), { verificationKey: pubPath });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("FAIL: bundle verification failed\n  envoy/authz/policy.rego: changed (digest differs from the signed one)\n");
  });

  it("prints a JSON report", async () => {
    const r = await runVerify(join(dir, "tampered.tar.gz"), { verificationKey: pubPath, format: "json" });
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, changed: ["envoy/authz/policy.rego"], added: [], removed: [] });
  });

  it("fails an unsigned bundle unless --allow-unsigned", async () => {
    expect((await runVerify(join(dir, "unsigned.tar.gz"), { verificationKey: pubPath })).code).toBe(1);
    expect((await runVerify(join(dir, "unsigned.tar.gz"), { verificationKey: pubPath, allowUnsigned: true })).code).toBe(0);
  });

  it("wrong scope and wrong key id fail", async () => {
    expect((await runVerify(join(dir, "signed.tar.gz"), { verificationKey: pubPath, scope: "prod" })).stdout).toMatch(/scope mismatch/);
    expect((await runVerify(join(dir, "signed.tar.gz"), { verificationKey: jwksPath, keyId: "other" })).stdout).toMatch(/no verification key has key id "other"/);
  });

  it("reports a malformed bundle and a missing key file without crashing", async () => {
    await writeFile(join(dir, "junk.tar.gz"), "junk");
    expect((await runVerify(join(dir, "junk.tar.gz"), { verificationKey: pubPath })).stderr).toMatch(/bundle_format_error: not a gzip archive/);
    expect((await runVerify(join(dir, "signed.tar.gz"), { verificationKey: "/no/such/key.pem" })).stderr).toMatch(/bundle_io_error: --verification-key: key file \/no\/such\/key\.pem does not exist/);
    expect((await runVerify(join(dir, "signed.tar.gz"), { verificationKey: pubPath, format: "yaml" })).stderr).toMatch(/--format must be text or json/);
  });

  it("exits non-zero through commander in a real process", () => {
    const r = runVerbProcess("verify.ts", ["verify", join(dir, "tampered.tar.gz"), "--verification-key", pubPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/envoy\/authz\/policy\.rego: changed/);
  }, 180_000);
});
