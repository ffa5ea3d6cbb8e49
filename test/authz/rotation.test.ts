/**
 * Key rotation in a running sidecar: keys by kid from files (re-read on every verification)
 * and from a JWKS URL (refreshed). Bundles signed by A or B are accepted while both are trusted;
 * after A is removed, A's bundles are refused with a message naming "A" and the active one serves.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { validateConfig } from "../../src/config/schema.js";
import { ROOT, buildBundle, checkRequest, compilePolicy, headerMap, requireBuild, sleep, startRegent, tempDir, type Regent } from "./harness.js";

const echo = readFileSync(join(ROOT, "test/authz/fixtures/echo.rego"), "utf8");
let wasm: Uint8Array;
const pair = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
const A = pair();
const B = pair();
const pem = (k: KeyObject, type: "pkcs8" | "spki") => k.export({ type, format: "pem" }) as string;
const jwk = (k: KeyObject, kid: string) => ({ ...k.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" });

const running: Regent[] = [];
const servers: Server[] = [];

const bundleBy = (revision: string, key: KeyObject, kid: string) =>
  buildBundle({ wasm, data: { meta: { revision } }, revision, signWith: { key: pem(key, "pkcs8"), alg: "ES256", keyId: kid } });

const status = async (r: Regent) => (await r.admin("/health?bundles")).json().bundles;
async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what} not reached in ${timeoutMs} ms: ${JSON.stringify(v)}`);
    await sleep(25);
  }
}
function publish(path: string, bytes: Uint8Array): void {
  writeFileSync(path + ".tmp", bytes);
  renameSync(path + ".tmp", path);
}
async function revisionServed(r: Regent): Promise<string | undefined> {
  const res = await r.client.check(checkRequest({ path: "/allow" }));
  return headerMap(res.okResponse?.headers ?? [])["x-rev"];
}

beforeAll(async () => {
  requireBuild();
  wasm = await compilePolicy([{ path: "echo.rego", source: echo }]);
}, 120_000);

afterAll(async () => {
  for (const r of running) await r.stop();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe("bundle key rotation", () => {
  it("trusts keys A and B from files; after A's file is removed, A's bundles are refused naming the kid", async () => {
    const dir = tempDir();
    const bundle = join(dir, "bundle.tar.gz");
    writeFileSync(join(dir, "a.pem"), pem(A.publicKey, "spki"));
    writeFileSync(join(dir, "b.pem"), pem(B.publicKey, "spki"));
    writeFileSync(
      join(dir, "regent.yaml"),
      ["bundle:", "  verification:", "    keys:", `      - {key_id: A, key_file: ${join(dir, "a.pem")}}`, `      - {key_id: B, key_file: ${join(dir, "b.pem")}}`, ""].join("\n"),
    );
    publish(bundle, await bundleBy("by-a", A.privateKey, "A"));
    const regent = await startRegent(["--config", join(dir, "regent.yaml"), "--workers", "1", "--bundle", bundle, "--poll-min", "1", "--poll-max", "1"]);
    running.push(regent);
    await regent.waitReady();
    expect(await revisionServed(regent)).toBe("by-a");

    publish(bundle, await bundleBy("by-b", B.privateKey, "B"));
    await until("by-b active", () => status(regent), (s) => s.active_revision === "by-b");

    rmSync(join(dir, "a.pem")); // A is retired: the mounted key file is gone
    publish(bundle, await bundleBy("by-a-again", A.privateKey, "A"));
    const s = await until("A refused", () => status(regent), (v) => v.rejections >= 1);
    expect(s.active_revision).toBe("by-b");
    expect(s.last_error).toMatch(/no verification key has key id "A": the key is retired or unknown \(trusted: B\)/);
    expect(await revisionServed(regent)).toBe("by-b");

    publish(bundle, await bundleBy("by-b-2", B.privateKey, "B"));
    await until("B still accepted", () => status(regent), (v) => v.active_revision === "by-b-2");
  }, 120_000);

  it("trusts the keys of a JWKS URL, accepts a newly rolled-out kid and retires a removed one", async () => {
    let keys = [jwk(A.publicKey, "A")];
    const fetches: string[][] = [];
    const jwks = createServer((_req, res) => {
      fetches.push(keys.map((k) => k.kid));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys }));
    });
    servers.push(jwks);
    await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`;
    const dir = tempDir();
    const bundle = join(dir, "bundle.tar.gz");
    writeFileSync(join(dir, "regent.yaml"), ["bundle:", "  verification:", `    jwks_url: ${url}`, "    jwks_refresh_seconds: 1", ""].join("\n"));
    publish(bundle, await bundleBy("j-a", A.privateKey, "A"));
    const regent = await startRegent(["--config", join(dir, "regent.yaml"), "--workers", "1", "--bundle", bundle, "--poll-min", "1", "--poll-max", "1"]);
    running.push(regent);
    await regent.waitReady();
    expect(await revisionServed(regent)).toBe("j-a");

    // B is rolled out to the JWKS before anything is signed with it.
    keys = [jwk(A.publicKey, "A"), jwk(B.publicKey, "B")];
    const before = fetches.length;
    await until("JWKS with B fetched", async () => fetches.slice(before).some((f) => f.join() === "A,B"), Boolean);
    publish(bundle, await bundleBy("j-b", B.privateKey, "B"));
    await until("j-b active", () => status(regent), (s) => s.active_revision === "j-b");

    // A is retired from the JWKS; once the sidecar has fetched the new set, A's bundles are refused.
    keys = [jwk(B.publicKey, "B")];
    const seen = fetches.length;
    await until("JWKS refreshed", async () => fetches.slice(seen).some((f) => f.join() === "B"), Boolean);
    publish(bundle, await bundleBy("j-a-old", A.privateKey, "A"));
    const s = await until("A refused", () => status(regent), (v) => v.rejections >= 1);
    expect(s.active_revision).toBe("j-b");
    expect(s.last_error).toMatch(/key id "A": the key is retired or unknown/);
    expect(await revisionServed(regent)).toBe("j-b");
  }, 120_000);

  it("refuses to start when a listed key file is missing, and refuses keys mixed with key_file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "regent.yaml"), ["bundle:", "  verification:", "    keys:", `      - {key_id: A, key_file: ${join(dir, "nope.pem")}}`, ""].join("\n"));
    writeFileSync(join(dir, "b.tar.gz"), await bundleBy("x", A.privateKey, "A"));
    // The ports open first (the "listening" line), then the bundle keys are read and the start fails.
    const regent = await startRegent(["--config", join(dir, "regent.yaml"), "--workers", "1", "--bundle", join(dir, "b.tar.gz")]);
    running.push(regent);
    const code = regent.proc.exitCode ?? (await new Promise<number | null>((r) => regent.proc.on("exit", r)));
    expect(code).toBe(1);
    expect(regent.stderr.join("")).toMatch(/cannot read .*nope\.pem \(key id A\): ENOENT/);
    const bad = (verification: unknown) => () => validateConfig({ bundle: { verification } });
    expect(bad({ keys: [{ key_id: "A", key_file: "a.pem" }], key_file: "k.pem" })).toThrow(/rotating keys \(keys, jwks_url\) replace key_file/);
    expect(bad({ keys: [{ key_id: "A", key_file: "a.pem" }, { key_id: "A", key_file: "b.pem" }] })).toThrow(/key id "A" is listed twice/);
    expect(bad({ keys: [{ key_file: "a.pem" }] })).toThrow(/keys\[0\]\.key_id: is required/);
    expect(bad({ jwks_url: "ftp://x" })).toThrow(/jwks_url: must be an http\(s\) URL/);
  }, 60_000);
});
