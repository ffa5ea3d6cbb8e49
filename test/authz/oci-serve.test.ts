/**
 * `regent serve` from an OCI registry (a real docker-registry with htpasswd auth): a signed
 * bundle served from oci://…:tag, the tag moved to a new revision and activated with no failed
 * Check under concurrent Checks, a bundle signed with another key refused while the active one
 * keeps serving, a pinned @sha256 source, and a restart from the persisted bundle.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { OciClient } from "../../src/bundle/oci.js";
import { parseOciReference } from "../../src/bundle/oci-format.js";
import { startRegistry, type Registry } from "../bundle/registry.js";
import { ROOT, buildBundle, checkRequest, compilePolicy, headerMap, requireBuild, sleep, startRegent, tempDir, type Regent } from "./harness.js";

const echo = readFileSync(join(ROOT, "test/authz/fixtures/echo.rego"), "utf8");
let wasm: Uint8Array;
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privPem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
const pubPem = publicKey.export({ type: "spki", format: "pem" }) as string;
const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;

let registry: Registry;
let client: OciClient;
const running: Regent[] = [];

const bundleOf = (revision: string, key = privPem) => buildBundle({ wasm, data: { meta: { revision } }, revision, signWith: { key, alg: "RS256" } });
const push = async (ref: string, bytes: Uint8Array) => (await client.pushBundle(parseOciReference(ref), bytes)).digest;
const status = async (regent: Regent) => (await regent.admin("/health?bundles")).json().bundles;

async function waitFor<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`${what}: not reached after ${timeoutMs} ms; last ${JSON.stringify(v)}`);
    await sleep(25);
  }
}

beforeAll(async () => {
  requireBuild();
  registry = await startRegistry();
  client = new OciClient({ credentials: { username: registry.username, password: registry.password } });
  wasm = await compilePolicy([{ path: "echo.rego", source: echo }]);
}, 120_000);

afterAll(async () => {
  for (const r of running) await r.stop();
  await registry?.stop();
});

function serveArgs(dir: string, source: string): { args: string[]; env: Record<string, string> } {
  writeFileSync(join(dir, "pub.pem"), pubPem);
  writeFileSync(join(dir, "registry-password"), registry.password);
  return {
    args: ["--workers", "1", "--bundle", source, "--verification-key", join(dir, "pub.pem"), "--poll-min", "1", "--poll-max", "1", "--persist-dir", join(dir, "state")],
    env: { REGENT_BUNDLE__REGISTRY__USERNAME: registry.username, REGENT_BUNDLE__REGISTRY__PASSWORD_FILE: join(dir, "registry-password") },
  };
}

describe("serving from an OCI registry", () => {
  it("serves oci://…:tag, activates a moved tag with no failed Check, refuses a wrongly signed bundle and restarts from disk", async () => {
    const ref = `oci://${registry.host}/policies/sidecar:prod`;
    const d1 = await push(ref, await bundleOf("o1"));
    const dir = tempDir();
    const { args, env } = serveArgs(dir, ref);
    const regent = await startRegent(args, { env });
    running.push(regent);
    await regent.waitReady();
    expect(await status(regent)).toMatchObject({ active_revision: "o1", etag: d1, origin: "source" });

    let stop = false;
    const failures: string[] = [];
    const seen = new Set<string>();
    let ok = 0;
    const loop = async () => {
      while (!stop) {
        try {
          const res = await regent.client.check(checkRequest({ path: "/allow" }));
          if (res.status.code !== 0) failures.push(JSON.stringify(res.status));
          else {
            ok++;
            seen.add(headerMap(res.okResponse.headers)["x-rev"]!);
          }
        } catch (err) {
          failures.push(String(err));
        }
        await sleep(2);
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    const d2 = await push(ref, await bundleOf("o2"));
    await waitFor("o2 active", () => status(regent), (s) => s.active_revision === "o2");
    await waitFor("checks see o2", async () => seen.has("o2"), Boolean);
    stop = true;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(seen.has("o1") && seen.has("o2")).toBe(true);
    expect(ok).toBeGreaterThan(10);
    expect((await status(regent)).etag).toBe(d2);
    const metrics = (await regent.admin("/metrics")).body;
    expect(metrics).toMatch(/regent_bundle_last_success_timestamp_seconds \d{10}/);
    expect(metrics).toMatch(/regent_bundle_polls_total\{result="ok"\} [1-9]/);
    expect(metrics).toMatch(/regent_bundle_age_seconds \d/);

    // Signed by a key the sidecar does not trust: refused, o2 keeps serving.
    await push(ref, await bundleOf("evil", other));
    const rejected = await waitFor("rejection", () => status(regent), (s) => s.rejections >= 1);
    expect(rejected.active_revision).toBe("o2");
    expect(rejected.last_error).toMatch(/signature does not verify/);
    const res = await regent.client.check(checkRequest({ path: "/allow" }));
    expect(headerMap(res.okResponse.headers)["x-rev"]).toBe("o2");
    // The refused manifest is not downloaded again every poll: its digest is remembered.
    const before = rejected.last_attempt;
    const later = await waitFor("two more polls", () => status(regent), (s) => s.last_attempt !== before && Date.parse(s.last_attempt) > Date.parse(before) + 1000);
    expect(later.rejections).toBe(rejected.rejections);
    expect(await regent.stop()).toBe(0);

    // Registry down: the restart starts from the persisted o2.
    await registry.stop();
    const again = await startRegent(args, { env });
    running.push(again);
    await again.waitReady();
    expect(await status(again)).toMatchObject({ active_revision: "o2", origin: "persisted" });
    expect((await status(again)).last_error).toMatch(/authz_bundle_fetch_error: oci:\/\/.*bundle_oci_error/);
    registry = await startRegistry();
    client = new OciClient({ credentials: { username: registry.username, password: registry.password } });
  }, 180_000);

  it("serves a pinned oci://…@sha256 reference and refuses a bad password at start of polling", async () => {
    const ref = `oci://${registry.host}/policies/pinned:v1`;
    const digest = await push(ref, await bundleOf("p1"));
    const dir = tempDir();
    const { args, env } = serveArgs(dir, `oci://${registry.host}/policies/pinned@${digest}`);
    const regent = await startRegent(args, { env });
    running.push(regent);
    await regent.waitReady();
    expect(await status(regent)).toMatchObject({ active_revision: "p1", etag: digest });

    writeFileSync(join(dir, "wrong"), "wrong-password");
    const bad = await startRegent(args, { env: { ...env, REGENT_BUNDLE__REGISTRY__PASSWORD_FILE: join(dir, "wrong") } });
    running.push(bad);
    const s = await waitFor("auth error", () => status(bad), (v) => typeof v.last_error === "string");
    expect(s.last_error).toMatch(/bundle_auth_error: .*refused the credentials/);
    expect(s.last_error).not.toContain("wrong-password");
  }, 120_000);
});
