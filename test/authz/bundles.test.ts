/**
 * Bundle activation in a real `regent serve`: hot swaps under concurrent load, ETag polling of
 * an HTTP bundle server on loopback, signed bundles with a tampered one rejected while the old
 * one keeps serving, and a restart from the persisted bundle while the bundle server is down.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { readBundle, writeBundle, writeFilesToDir, bundleFiles } from "../../src/bundle/index.js";
import { BundleActivator } from "../../src/authz/bundles.js";
import pino from "pino";
import { ROOT, buildBundle, checkRequest, compilePolicy, headerMap, requireBuild, sleep, startRegent, tempDir, type Regent } from "./harness.js";

const echo = readFileSync(join(ROOT, "test/authz/fixtures/echo.rego"), "utf8");
let wasm: Uint8Array;
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privPem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
const pubPem = publicKey.export({ type: "spki", format: "pem" }) as string;
const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;

const bundleOf = (revision: string, signWith?: string) =>
  buildBundle({ wasm, data: { meta: { revision } }, revision, signWith: signWith ? { key: signWith, alg: "RS256" } : undefined });

/** A bundle service on loopback that honours If-None-Match, and can be switched off. */
class BundleServer {
  bytes: Uint8Array = new Uint8Array();
  etag = "";
  requests = 0;
  notModified = 0;
  private server: Server | undefined;
  url = "";

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests++;
      if (req.headers["if-none-match"] === this.etag) {
        this.notModified++;
        res.writeHead(304, { etag: this.etag });
        return res.end();
      }
      res.writeHead(200, { "content-type": "application/gzip", etag: this.etag });
      res.end(Buffer.from(this.bytes));
    });
    await new Promise<void>((r) => this.server!.listen(port, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/bundles/ai.tar.gz`;
  }

  publish(bytes: Uint8Array, etag: string): void {
    this.bytes = bytes;
    this.etag = `"${etag}"`;
  }

  stop(): Promise<void> {
    return new Promise((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }
}

const revisionOf = async (regent: Regent): Promise<string | undefined> => (await regent.admin("/health?bundles")).json().bundles.active_revision;

async function waitRevision(regent: Regent, rev: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await revisionOf(regent)) !== rev) {
    if (Date.now() > until) throw new Error(`revision ${rev} not active after ${timeoutMs} ms: ${JSON.stringify((await regent.admin("/health?bundles")).json())}`);
    await sleep(20);
  }
}

const running: Regent[] = [];
const servers: BundleServer[] = [];

beforeAll(async () => {
  requireBuild();
  wasm = await compilePolicy([{ path: "echo.rego", source: echo }]);
}, 120_000);

afterAll(async () => {
  for (const r of running) await r.stop();
  for (const s of servers) await s.stop();
});

describe("bundle activation", () => {
  it("hot-swaps a bundle 20 times while concurrent checks run, with zero failed checks", async () => {
    const dir = tempDir();
    const path = join(dir, "bundle.tar.gz");
    writeFileSync(path, await bundleOf("r0"));
    const regent = await startRegent(["--workers", "1", "--bundle", path, "--poll-min", "60", "--poll-max", "60"]);
    running.push(regent);
    await regent.waitReady();
    const seen = new Set<string>();
    let ok = 0;
    const failures: string[] = [];
    let stop = false;
    const loop = async () => {
      while (!stop) {
        try {
          const res = await regent.client.check(checkRequest({ path: "/allow" }));
          if (res.status.code !== 0) failures.push(JSON.stringify(res));
          else {
            ok++;
            seen.add(headerMap(res.okResponse.headers)["x-rev"]!);
          }
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const loops = Array.from({ length: 16 }, loop);
    for (let i = 1; i <= 20; i++) {
      const tmp = join(dir, `next-${i}.tmp`);
      writeFileSync(tmp, await bundleOf(`r${i}`));
      renameSync(tmp, path); // the way a config-sync sidecar replaces a file: atomically
      await waitRevision(regent, `r${i}`);
    }
    await sleep(100);
    stop = true;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(100);
    expect(seen.size).toBeGreaterThan(2); // checks really ran across swaps
    const status = (await regent.admin("/health?bundles")).json().bundles;
    expect(status).toMatchObject({ active_revision: "r20", activations: 21, rejections: 0 });
    const metrics = (await regent.admin("/metrics")).body;
    expect(metrics).toMatch(/regent_bundle_activations_total\{result="activated"\} 21/);
    expect(metrics).toMatch(/regent_bundle_info\{revision="r20"\} 1/);
  }, 180_000);

  it("polls an HTTP bundle server with ETags, rejects a tampered bundle and keeps serving the old one", async () => {
    const server = new BundleServer();
    servers.push(server);
    await server.start();
    server.publish(await bundleOf("s1", privPem), "s1");
    const dir = tempDir();
    writeFileSync(join(dir, "pub.pem"), pubPem);
    const regent = await startRegent(["--workers", "1", "--bundle", server.url, "--verification-key", join(dir, "pub.pem"), "--poll-min", "1", "--poll-max", "1", "--persist-dir", join(dir, "state")]);
    running.push(regent);
    await regent.waitReady();
    expect(await revisionOf(regent)).toBe("s1");
    await sleep(1500);
    expect(server.notModified).toBeGreaterThan(0); // unchanged bundles cost a 304, not a download

    // Same signature, changed data: every byte of the signature still verifies, the file hash does not.
    const signed = await readBundle(await bundleOf("s2", privPem));
    signed.files.set("data.json", new TextEncoder().encode(JSON.stringify({ meta: { revision: "evil" } })));
    server.publish(await writeBundle(signed), "tampered");
    const until = Date.now() + 15_000;
    while ((await regent.admin("/health?bundles")).json().bundles.rejections < 1) {
      if (Date.now() > until) throw new Error("the tampered bundle was never rejected");
      await sleep(50);
    }
    const status = (await regent.admin("/health?bundles")).json().bundles;
    expect(status.active_revision).toBe("s1");
    expect(status.last_error).toMatch(/data\.json: changed/);
    const res = await regent.client.check(checkRequest({ path: "/allow" }));
    expect(headerMap(res.okResponse.headers)["x-rev"]).toBe("s1");
    expect((await regent.admin("/metrics")).body).toMatch(/regent_bundle_activations_total\{result="rejected"\} 1/);
    const line = await regent.waitFor((l) => l.msg === "bundle rejected; the active bundle keeps serving");
    expect(line).toMatchObject({ level: 50, active_revision: "s1" });

    // A bundle signed by someone else is refused too; a properly signed one goes live.
    server.publish(await bundleOf("s3", other), "wrong-key");
    await sleep(2500);
    expect(await revisionOf(regent)).toBe("s1");
    server.publish(await bundleOf("s4", privPem), "s4");
    await waitRevision(regent, "s4");
    expect(existsSync(join(dir, "state", "bundle.tar.gz"))).toBe(true);
  }, 120_000);

  it("never takes a DER public key as an HMAC secret; an HMAC secret is verified only when given as one", async () => {
    const server = new BundleServer();
    servers.push(server);
    await server.start();
    server.publish(await bundleOf("d1", privPem), "d1");
    const dir = tempDir();
    const der = publicKey.export({ type: "spki", format: "der" });
    writeFileSync(join(dir, "pub.der"), der);
    const regent = await startRegent(["--workers", "1", "--bundle", server.url, "--verification-key", join(dir, "pub.der"), "--poll-min", "1", "--poll-max", "1"]);
    running.push(regent);
    await regent.waitReady();
    await waitRevision(regent, "d1");
    // Anyone holding the public key signs HS256 with its DER bytes as the secret: refused, d1 keeps serving.
    server.publish(await buildBundle({ wasm, data: { meta: { revision: "forged" } }, revision: "forged", signWith: { secret: der, alg: "HS256" } }), "forged");
    const until = Date.now() + 15_000;
    while ((await regent.admin("/health?bundles")).json().bundles.rejections < 1) {
      if (Date.now() > until) throw new Error("the forged bundle was never rejected");
      await sleep(50);
    }
    const status = (await regent.admin("/health?bundles")).json().bundles;
    expect(status.active_revision).toBe("d1");
    expect(status.last_error).toMatch(/algorithm HS256 does not fit the verification key \(an RSA public key/);

    // A shared secret works when it is configured as a secret, and a missing key file stops the start.
    writeFileSync(join(dir, "hmac"), "a shared secret for bundles");
    server.publish(await buildBundle({ wasm, data: { meta: { revision: "h1" } }, revision: "h1", signWith: { secret: "a shared secret for bundles", alg: "HS256" } }), "h1");
    const hmac = await startRegent(["--workers", "1", "--bundle", server.url, "--verification-secret-file", join(dir, "hmac"), "--poll-min", "1", "--poll-max", "1"]);
    running.push(hmac);
    await hmac.waitReady();
    await waitRevision(hmac, "h1");
  }, 120_000);

  it("restarts from the persisted bundle while the bundle server is down", async () => {
    const server = new BundleServer();
    servers.push(server);
    await server.start();
    server.publish(await bundleOf("p1", privPem), "p1");
    const dir = tempDir();
    writeFileSync(join(dir, "pub.pem"), pubPem);
    const args = ["--workers", "1", "--bundle", server.url, "--verification-key", join(dir, "pub.pem"), "--persist-dir", join(dir, "state"), "--poll-min", "1", "--poll-max", "2"];
    const first = await startRegent(args);
    await first.waitReady();
    await waitRevision(first, "p1");
    expect(await first.stop()).toBe(0);
    await server.stop();

    const second = await startRegent(args);
    running.push(second);
    await second.waitReady();
    const status = (await second.admin("/health?bundles")).json().bundles;
    expect(status).toMatchObject({ active_revision: "p1", origin: "persisted" });
    expect(status.last_error).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/bundles\/ai\.tar\.gz/);
    const res = await second.client.check(checkRequest({ path: "/allow" }));
    expect(headerMap(res.okResponse.headers)["x-rev"]).toBe("p1");
  }, 120_000);

  it("answers per fail mode and reports not ready until a bundle is active", async () => {
    const dir = tempDir();
    const missing = join(dir, "later.tar.gz");
    const regent = await startRegent(["--workers", "1", "--bundle", missing, "--poll-min", "1", "--poll-max", "1"]);
    running.push(regent);
    expect((await regent.admin("/health")).status).toBe(503);
    expect((await regent.client.health()).status).toBe("NOT_SERVING");
    const res = await regent.client.check(checkRequest({ path: "/allow" }));
    expect(res.status.code).toBe(7);
    expect(res.deniedResponse.status.code).toBe("Forbidden");
    writeFileSync(missing, await bundleOf("late"));
    await regent.waitReady();
    expect((await regent.client.health()).status).toBe("SERVING");
    const after = await regent.client.check(checkRequest({ path: "/allow" }));
    expect(headerMap(after.okResponse.headers)["x-rev"]).toBe("late");
  }, 60_000);
});

describe("bundle sources", () => {
  it("serves a bundle folder and picks up a change inside it", async () => {
    const dir = join(tempDir(), "ai-bundle");
    await writeFilesToDir(bundleFiles(await readBundle(await bundleOf("d1"))), dir);
    const regent = await startRegent(["--workers", "1", "--bundle", dir, "--poll-min", "60", "--poll-max", "60"]);
    running.push(regent);
    await regent.waitReady();
    expect(await revisionOf(regent)).toBe("d1");
    await writeFilesToDir(bundleFiles(await readBundle(await bundleOf("d2"))), dir);
    await waitRevision(regent, "d2");
    const res = await regent.client.check(checkRequest({ path: "/allow" }));
    expect(headerMap(res.okResponse.headers)["x-rev"]).toBe("d2");
  }, 60_000);

  it("polls within [min, max] and backs off exponentially, jittered, after failures", () => {
    const a = new BundleActivator({ source: "http://127.0.0.1:1/b.tar.gz", pollMinSeconds: 10, pollMaxSeconds: 80 }, async () => undefined, pino({ level: "silent" }), () => undefined);
    for (let i = 0; i < 50; i++) {
      const d = a.nextDelayMs();
      expect(d).toBeGreaterThanOrEqual(10_000);
      expect(d).toBeLessThanOrEqual(80_000);
    }
    const bounds: [number, number][] = [];
    for (const f of [1, 2, 3, 4, 10]) {
      a.status.consecutive_failures = f;
      const base = Math.min(80_000, 10_000 * 2 ** (f - 1));
      const ds = Array.from({ length: 50 }, () => a.nextDelayMs());
      for (const d of ds) {
        expect(d).toBeGreaterThanOrEqual(base / 2);
        expect(d).toBeLessThanOrEqual(base);
      }
      bounds.push([Math.min(...ds), Math.max(...ds)]);
    }
    expect(new Set(bounds.map((b) => b[1] > b[0])).has(true)).toBe(true); // jittered, not fixed
  });
});
