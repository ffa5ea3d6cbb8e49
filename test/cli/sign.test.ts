/**
 * `regent sign`: signs archives in place or to -o, folders by writing .signatures.json, with
 * claims files and key ids; bad keys and claims are clear errors.
 */
import { mkdtemp, readFile, rm, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBundle, writeFilesToDir } from "../../src/bundle/fs.js";
import { verifyBundle } from "../../src/bundle/verify.js";
import { writeBundle } from "../../src/bundle/write.js";
import { runSign } from "../../src/cli/sign.js";
import { sampleBundle, sampleFiles } from "../bundle/fixtures.js";
import { runVerbProcess } from "./cli-harness.js";

let dir: string;
let privPath: string;
let pub: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "regent-cli-sign-"));
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  privPath = join(dir, "key.pem");
  await writeFile(privPath, await exportPKCS8(privateKey));
  pub = await exportSPKI(publicKey);
  await writeFile(join(dir, "bundle.tar.gz"), await writeBundle(sampleBundle()));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("regent sign", () => {
  it("signs an archive to -o with claims, key id and scope", async () => {
    await writeFile(join(dir, "claims.json"), JSON.stringify({ iss: "ci", iat: 1700000000 }));
    const r = await runSign(join(dir, "bundle.tar.gz"), { signingKey: privPath, signingAlg: "ES256", keyId: "ci-2026", scope: "prod", claimsFile: join(dir, "claims.json"), output: join(dir, "signed.tar.gz") });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/signed 4 files with ES256 \(key id ci-2026\)/);
    const signed = await readBundle(join(dir, "signed.tar.gz"));
    const payload = JSON.parse(Buffer.from(signed.signatures!.signatures[0].split(".")[1], "base64url").toString());
    expect(payload).toMatchObject({ iss: "ci", iat: 1700000000, scope: "prod" });
    expect((await verifyBundle(signed, { key: pub, scope: "prod" })).ok).toBe(true);
  });

  it("signs a folder by writing .signatures.json into it", async () => {
    const folder = join(dir, "folder");
    await writeFilesToDir(sampleFiles(), folder);
    await writeFile(join(dir, "hmac.secret"), "a-shared-secret-of-reasonable-length");
    const r = await runSign(folder, { signingSecretFile: join(dir, "hmac.secret") });
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/with HS256/) });
    expect((await readdir(folder)).sort()).toContain(".signatures.json");
    expect((await verifyBundle(await readBundle(folder), { secret: "a-shared-secret-of-reasonable-length" })).ok).toBe(true);
  });

  it("signs with the key of a private JWKS that --key-id selects (rotation in CI)", async () => {
    const a = await generateKeyPair("ES256", { extractable: true });
    const b = await generateKeyPair("ES384", { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(a.privateKey)), kid: "ci-a" }, { ...(await exportJWK(b.privateKey)), kid: "ci-b" }] };
    await writeFile(join(dir, "signing.jwks"), JSON.stringify(jwks));
    const r = await runSign(join(dir, "bundle.tar.gz"), { signingKey: join(dir, "signing.jwks"), keyId: "ci-b", output: join(dir, "by-b.tar.gz") });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/with ES384 \(key id ci-b\)/);
    const signed = await readBundle(join(dir, "by-b.tar.gz"));
    const publicJwks = JSON.stringify({ keys: [{ ...(await exportJWK(a.publicKey)), kid: "ci-a" }, { ...(await exportJWK(b.publicKey)), kid: "ci-b" }] });
    expect(await verifyBundle(signed, { keys: publicJwks })).toMatchObject({ ok: true, keyId: "ci-b", alg: "ES384" });
    expect((await runSign(join(dir, "bundle.tar.gz"), { signingKey: join(dir, "signing.jwks") })).stderr).toMatch(/holds 2 keys; choose one with --key-id \(ci-a, ci-b\)/);
    expect((await runSign(join(dir, "bundle.tar.gz"), { signingKey: join(dir, "signing.jwks"), keyId: "ci-c" })).stderr).toMatch(/no key with key id "ci-c"/);
    await writeFile(join(dir, "public.jwks"), publicJwks);
    expect((await runSign(join(dir, "bundle.tar.gz"), { signingKey: join(dir, "public.jwks"), keyId: "ci-a" })).stderr).toMatch(/is a public key; signing needs the private key/);
    await writeFile(join(dir, "oct.jwk"), JSON.stringify({ kty: "oct", k: "c2VjcmV0", kid: "s" }));
    expect((await runSign(join(dir, "bundle.tar.gz"), { signingKey: join(dir, "oct.jwk") })).stderr).toMatch(/bundle_key_error: an oct JWK is a shared secret/);
  });

  it("reports bad inputs clearly", async () => {
    expect((await runSign(join(dir, "bundle.tar.gz"), {})).stderr).toMatch(/bundle_key_error: give one of --signing-key \(a PEM private key file\) or --signing-secret-file/);
    // A path that does not exist is an error, never the key itself; a secret never signs RS/ES.
    expect((await runSign(join(dir, "bundle.tar.gz"), { signingKey: join(dir, "no-such.pem"), signingAlg: "HS256" })).stderr).toMatch(/bundle_io_error: --signing-key: key file .*no-such\.pem does not exist/);
    expect((await runSign(join(dir, "bundle.tar.gz"), { signingKey: privPath, signingAlg: "HS256" })).stderr).toMatch(/HS256 signs with a shared secret, but a private key was given/);
    expect((await runSign(join(dir, "bundle.tar.gz"), { signingSecretFile: privPath, signingAlg: "ES256" })).stderr).toMatch(/ES256 signs with a private key, but an HMAC secret was given/);
    expect((await runSign(join(dir, "bundle.tar.gz"), { signingKey: privPath, signingAlg: "RS256" })).stderr).toMatch(/EC P-256 private key cannot sign with RS256/);
    expect((await runSign(join(dir, "bundle.tar.gz"), { signingKey: privPath, signingAlg: "ES256", claimsFile: join(dir, "nope.json") })).stderr).toMatch(/--claims-file: cannot read .*ENOENT/);
    await writeFile(join(dir, "bad-claims.json"), "[1]");
    expect((await runSign(join(dir, "bundle.tar.gz"), { signingKey: privPath, signingAlg: "ES256", claimsFile: join(dir, "bad-claims.json") })).stderr).toMatch(/must hold a JSON object/);
    expect((await runSign(join(dir, "missing.tar.gz"), { signingKey: privPath, signingAlg: "ES256" })).stderr).toMatch(/bundle_io_error/);
  });

  it("runs through commander in a real process and rewrites the archive in place", async () => {
    await writeFile(join(dir, "inplace.tar.gz"), await readFile(join(dir, "bundle.tar.gz")));
    const r = runVerbProcess("sign.ts", ["sign", join(dir, "inplace.tar.gz"), "--signing-key", privPath, "--signing-alg", "ES256"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect((await verifyBundle(await readBundle(join(dir, "inplace.tar.gz")), { key: pub })).ok).toBe(true);
  }, 180_000);
});
