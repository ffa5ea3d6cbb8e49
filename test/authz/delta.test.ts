/**
 * A delta bundle in a running `regent serve`: a snapshot with two tenants' token limits, then a
 * signed delta (OPA's patch.json) that raises one tenant's limit. Checks before see the old limit,
 * checks after the new one, and concurrent checks never see a mix; the other tenant is untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { parseBundleFiles, signBundle, writeBundle } from "../../src/bundle/index.js";
import { FleetBundleServer } from "../../bench/fleet/bundle-server.js";
import { buildBundle, checkRequest, compilePolicy, headerMap, requireBuild, sleep, startRegent, tempDir, type Regent } from "./harness.js";

const policy = `package envoy.authz

default allow := false

allow := {"allowed": true, "headers": {"x-limit": sprintf("%v", [data.tenants[input.parsed_path[1]].limit]), "x-rev": data.meta.revision}} if {
	input.parsed_path[0] == "limit"
}
`;
const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const privPem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

let wasm: Uint8Array;
let server: FleetBundleServer;
let regent: Regent | undefined;

async function deltaBundle(revision: string, ops: unknown[]): Promise<Uint8Array> {
  const b = parseBundleFiles(new Map([[".manifest", enc({ revision, roots: [""] })], ["patch.json", enc({ data: ops })]]));
  return writeBundle(await signBundle(b, { key: privPem, alg: "ES256" }));
}

async function limitOf(tenant: string): Promise<{ limit?: string; rev?: string }> {
  const res = await regent!.client.check(checkRequest({ path: `/limit/${tenant}` }));
  const h = headerMap(res.okResponse?.headers ?? []);
  return { limit: h["x-limit"], rev: h["x-rev"] };
}

beforeAll(async () => {
  requireBuild();
  wasm = await compilePolicy([{ path: "limits.rego", source: policy }]);
  server = new FleetBundleServer(false);
  await server.start();
}, 120_000);

afterAll(async () => {
  await regent?.stop();
  await server?.stop();
});

describe("delta bundles in a running sidecar", () => {
  it("changes one tenant's limit atomically: before sees the old limit, after the new one", async () => {
    const data = { meta: { revision: "snap-1" }, tenants: { acme: { limit: 1000 }, globex: { limit: 500 } } };
    server.publish(await buildBundle({ wasm, data, revision: "snap-1", signWith: { key: privPem, alg: "ES256" } }), "snap-1");
    const dir = tempDir();
    writeFileSync(join(dir, "pub.pem"), publicKey.export({ type: "spki", format: "pem" }) as string);
    regent = await startRegent(["--workers", "1", "--bundle", server.url, "--verification-key", join(dir, "pub.pem"), "--poll-min", "1", "--poll-max", "1"]);
    await regent.waitReady();
    expect(await limitOf("acme")).toEqual({ limit: "1000", rev: "snap-1" });

    const seen: string[] = [];
    const failures: string[] = [];
    let stop = false;
    const loop = async () => {
      while (!stop) {
        const r = await limitOf("acme").catch((e: Error) => ({ limit: `error ${e.message}`, rev: "" }));
        const pair = `${r.rev}=${r.limit}`;
        if (pair !== "snap-1=1000" && pair !== "delta-1=5000") failures.push(pair);
        else seen.push(pair);
        await sleep(2);
      }
    };
    const loops = Array.from({ length: 3 }, loop);
    server.publish(await deltaBundle("delta-1", [
      { op: "upsert", path: "/tenants/acme/limit", value: 5000 },
      { op: "replace", path: "/meta/revision", value: "delta-1" },
    ]), "delta-1");
    const end = Date.now() + 30_000;
    while (!seen.includes("delta-1=5000")) {
      if (Date.now() > end) throw new Error(`the delta never reached a Check: ${JSON.stringify((await regent.admin("/health?bundles")).json())}`);
      await sleep(20);
    }
    stop = true;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(seen[0]).toBe("snap-1=1000");
    // Once the new limit is seen, the old one never comes back.
    expect(seen.slice(seen.indexOf("delta-1=5000"))).not.toContain("snap-1=1000");
    expect(await limitOf("acme")).toEqual({ limit: "5000", rev: "delta-1" });
    expect(await limitOf("globex")).toEqual({ limit: "500", rev: "delta-1" });
    expect((await regent.admin("/health?bundles")).json().bundles).toMatchObject({ active_revision: "delta-1", rejections: 0 });

    // A delta that does not apply (a tenant that does not exist, with replace) is refused; delta-1 keeps serving.
    server.publish(await deltaBundle("delta-bad", [{ op: "replace", path: "/tenants/initech/limit", value: 1 }]), "delta-bad");
    const until = Date.now() + 30_000;
    let status = (await regent.admin("/health?bundles")).json().bundles;
    while (status.rejections < 1) {
      if (Date.now() > until) throw new Error("the bad delta was never refused");
      await sleep(20);
      status = (await regent.admin("/health?bundles")).json().bundles;
    }
    expect(status.last_error).toMatch(/bundle_delta_error: replace \/tenants\/initech\/limit/);
    expect(await limitOf("acme")).toEqual({ limit: "5000", rev: "delta-1" });
  }, 120_000);
});
