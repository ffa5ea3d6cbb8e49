/**
 * `regent inspect`: revision, roots, entrypoints, files with sizes, host built-ins from the
 * wasm, and signature status, as text and JSON.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBundleFiles } from "../../src/bundle/bundle.js";
import { signBundle } from "../../src/bundle/sign.js";
import { writeBundle } from "../../src/bundle/write.js";
import { runInspect } from "../../src/cli/inspect.js";
import { sampleFiles } from "../bundle/fixtures.js";
import { abiModule } from "../bundle/wasm-module.js";

let dir: string;
const SECRET = "inspect-test-secret-0123456789";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "regent-cli-inspect-"));
  const files = sampleFiles();
  files.set("policy.wasm", abiModule({ sprintf: 0, "regex.match": 1 }, { "envoy/authz/allow": 0 }));
  const bundle = await signBundle(parseBundleFiles(files), { secret: SECRET, alg: "HS256", keyId: "k1" });
  await writeFile(join(dir, "b.tar.gz"), await writeBundle(bundle));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("regent inspect", () => {
  it("prints a text summary", async () => {
    const r = await runInspect(join(dir, "b.tar.gz"), {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("revision:    r1");
    expect(r.stdout).toContain("roots:       envoy, regent");
    expect(r.stdout).toContain("  envoy/authz/allow  (policy.wasm)");
    expect(r.stdout).toContain("host built-ins: regex.match, sprintf");
    expect(r.stdout).toMatch(/\n\s+\d+ {2}envoy\/authz\/policy\.rego\n/);
    expect(r.stdout).toContain("signature:   signed (not verified: pass --verification-key)");
  });

  it("verifies when given a key, and reports INVALID with a wrong one", async () => {
    await writeFile(join(dir, "secret"), SECRET);
    await writeFile(join(dir, "wrong-secret"), "wrong-secret");
    expect((await runInspect(join(dir, "b.tar.gz"), { verificationSecretFile: join(dir, "secret") })).stdout).toContain("signature:   verified (HS256, key id k1)");
    const bad = await runInspect(join(dir, "b.tar.gz"), { verificationSecretFile: join(dir, "wrong-secret") });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/signature: {3}INVALID\n {2}the signature does not verify/);
  });

  it("prints JSON", async () => {
    const r = await runInspect(join(dir, "b.tar.gz"), { format: "json", verificationSecretFile: join(dir, "secret") });
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      revision: "r1",
      roots: ["envoy", "regent"],
      entrypoints: [{ entrypoint: "envoy/authz/allow", module: "policy.wasm" }],
      builtins: ["regex.match", "sprintf"],
      wasm: [{ module: "policy.wasm", entrypoints: ["envoy/authz/allow"], abi: "1.3" }],
      signature: { status: "verified" },
    });
    expect(j.files.map((f: { path: string }) => f.path)).toEqual([".manifest", "envoy/authz/policy.rego", "policy.wasm", "regent/datasets/data.json"]);
  });

  it("reports a malformed bundle as a JSON error", async () => {
    await writeFile(join(dir, "junk.tar.gz"), new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8]));
    const r = await runInspect(join(dir, "junk.tar.gz"), { format: "json" });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe("bundle_format_error");
  });
});
