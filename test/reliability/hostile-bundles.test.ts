/**
 * Fault injection on the HTTP bundle source of a real `regent serve`: a 600 MB response
 * (generated on the fly, with and without Content-Length), a gzip bomb, a 250 MiB file in a
 * small archive, garbage, a failing and a slow source. Each is refused while the active bundle
 * keeps serving, every Check meanwhile gets its decision, and RSS (from /proc) stays under
 * 200 MB. Each scenario gets a fresh sidecar, so no peak is inherited from the one before.
 * Check latencies are printed for the report, never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server, type ServerResponse } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportSPKI, generateKeyPair } from "jose";
import { buildBundle, checkRequest, compilePolicy, startRegent, tempDir, type Regent } from "../authz/harness.js";
import { PATH_POLICY, pathBundle, rssOf, streamedTarGz } from "./lib.js";

const MiB = 1024 * 1024;
type Mode = "good" | "huge-chunked" | "huge-length" | "bomb" | "bigfile" | "garbage" | "fail" | "slow";
let mode: Mode = "good";
let good: Uint8Array;
let goodSigned: Uint8Array;
let keyFile: string;
let signed = false;
let bomb: Uint8Array;
let bigfile: Uint8Array;
let server: Server;
let url: string;
let regent: Regent;
const requests: Mode[] = [];

function stream600(res: ServerResponse, withLength: boolean): void {
  const total = 600 * 1000 * 1000;
  res.writeHead(200, { "content-type": "application/gzip", ...(withLength ? { "content-length": String(total) } : {}) });
  // Starts like gzip so only the size stops it; the rest is generated as it is sent, never stored.
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  chunk[0] = 0x1f;
  chunk[1] = 0x8b;
  let sent = 0;
  const pump = (): void => {
    while (sent < total) {
      const piece = sent === 0 ? chunk : chunk.subarray(2);
      sent += piece.length;
      if (!res.write(piece)) return void res.once("drain", pump);
    }
    res.end();
  };
  res.on("close", () => (sent = total));
  pump();
}

beforeAll(async () => {
  good = await pathBundle("r1");
  const pair = await generateKeyPair("RS256", { extractable: true });
  goodSigned = await buildBundle({ wasm: await compilePolicy([{ path: "p.rego", source: PATH_POLICY }]), data: {}, revision: "r1", signWith: { key: pair.privateKey, alg: "RS256" } });
  keyFile = join(tempDir(), "bundle-key.pem");
  writeFileSync(keyFile, await exportSPKI(pair.publicKey));
  bomb = await streamedTarGz(Array.from({ length: 40 }, (_, i) => ({ name: `z${i}.json`, size: 16 * MiB })));
  bigfile = await streamedTarGz([{ name: "big.json", size: 250 * MiB }]);
  server = createServer((req, res) => {
    requests.push(mode);
    if (mode === "good") return void res.writeHead(200, { etag: '"r1"' }).end(signed ? goodSigned : good);
    if (mode === "huge-chunked") return stream600(res, false);
    if (mode === "huge-length") return stream600(res, true);
    if (mode === "bomb") return void res.writeHead(200).end(bomb);
    if (mode === "bigfile") return void res.writeHead(200).end(bigfile);
    if (mode === "garbage") return void res.writeHead(200).end(Buffer.from("<html>not a bundle</html>"));
    if (mode === "fail") return void res.writeHead(503).end("down");
    // slow: headers, then nothing until the client gives up
    res.writeHead(200);
    res.write(Buffer.from([0x1f, 0x8b]));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/bundle.tar.gz`;
}, 120_000);

/** A fresh sidecar on the source, serving r1; with `verify`, bundles must be signed. */
async function fresh(verify = false): Promise<void> {
  await regent?.stop();
  mode = "good";
  signed = verify;
  regent = await startRegent(["--bundle", url, "--poll-min", "1", "--poll-max", "2", "--workers", "1", ...(verify ? ["--verification-key", keyFile] : [])]);
  await regent.waitReady();
}

afterAll(async () => {
  await regent?.stop();
  server?.closeAllConnections();
  await new Promise<void>((r) => server?.close(() => r()));
});

/**
 * Switches the source to `m`, keeps Checks flowing and RSS sampled until the sidecar logs the
 * rejection `matcher` describes, then switches back. Returns the figures for the report.
 */
async function refusedWhileServing(m: Mode, matcher: RegExp, verify = false): Promise<{ peakRssMb: number; checks: number; maxMs: number; p99Ms: number }> {
  await fresh(verify);
  const pid = regent.proc.pid!;
  const startRss = rssOf(pid);
  const before = regent.lines.length;
  mode = m;
  let done = false;
  let peak = rssOf(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
  const latencies: number[] = [];
  const load = (async () => {
    while (!done) {
      const t = performance.now();
      const r = await regent.client.check(checkRequest({ path: "/ok/x" }));
      latencies.push(performance.now() - t);
      expect(r.status.code).toBe(0);
      const d = await regent.client.check(checkRequest({ path: "/no" }));
      expect(d.status.code).toBe(7);
    }
  })();
  const line = await regent.waitFor((l) => regent.lines.indexOf(l) >= before && l.msg === "bundle rejected; the active bundle keeps serving" && matcher.test(String(l.reason)), 120_000);
  done = true;
  await load;
  clearInterval(sampler);
  mode = "good";
  expect(line.active_revision).toBe("r1");
  const status = (await regent.admin("/health?bundles")).json();
  expect(status.bundles?.active_revision ?? status.active_revision).toBe("r1");
  latencies.sort((a, b) => a - b);
  const fig = { verify, startRssMb: +(startRss / MiB).toFixed(1), peakRssMb: +(peak / MiB).toFixed(1), checks: latencies.length * 2, maxMs: +(latencies.at(-1) ?? 0).toFixed(1), p99Ms: +(latencies[Math.floor(latencies.length * 0.99)] ?? 0).toFixed(1) };
  console.log(JSON.stringify({ test: "hostile-bundles", mode: m, ...fig }));
  return fig;
}

describe("hostile bundle sources", () => {
  it("refuses a 600 MB streamed response (no Content-Length) under 200 MB RSS, serving throughout", async () => {
    const f = await refusedWhileServing("huge-chunked", /limits\.bundle_download_bytes/);
    expect(f.peakRssMb).toBeLessThan(200);
    expect(f.checks).toBeGreaterThan(0);
  });

  it("refuses a 600 MB response by its Content-Length", async () => {
    const f = await refusedWhileServing("huge-length", /announces 600000000 bytes.*limits\.bundle_download_bytes/);
    expect(f.peakRssMb).toBeLessThan(200);
  });

  it("refuses a gzip bomb under 200 MB RSS when bundles must be signed: nothing unsigned is expanded", async () => {
    const f = await refusedWhileServing("bomb", /z0\.json comes before \.signatures\.json/, true);
    expect(f.peakRssMb).toBeLessThan(200);
  });

  it("refuses a gzip bomb at the expanded limit when bundles are not verified", async () => {
    // Up to limits.bundle_expanded_bytes (64 MiB) is held before the refusal; the peak is reported, not asserted.
    await refusedWhileServing("bomb", /limits\.bundle_expanded_bytes/);
  });

  it("refuses a 250 MiB file in a small archive under 200 MB RSS", async () => {
    const f = await refusedWhileServing("bigfile", /big\.json is 262144000 bytes.*limits\.bundle_file_bytes/);
    expect(f.peakRssMb).toBeLessThan(200);
  });

  it("refuses garbage, and rides out a failing and a slow source", async () => {
    await refusedWhileServing("garbage", /not a gzip archive/);
    for (const m of ["huge-length", "bomb", "bigfile"] as const) {
      const before = regent.lines.length;
      mode = m;
      await regent.waitFor((l) => regent.lines.indexOf(l) >= before && l.msg === "bundle rejected; the active bundle keeps serving", 120_000);
    }
    // Failing and slow sources are not rejections: the sidecar logs the source as unavailable.
    for (const [m, re] of [["fail", /answered 503/], ["slow", /timeout|aborted|terminated/i]] as const) {
      const before = regent.lines.length;
      mode = m;
      await regent.waitFor((l) => regent.lines.indexOf(l) >= before && l.msg === "bundle source unavailable" && re.test(String(l.error)), 120_000);
      expect((await regent.client.check(checkRequest({ path: "/ok/x" }))).status.code).toBe(0);
    }
    mode = "good";
    const metrics = (await regent.admin("/metrics")).body;
    for (const limit of ["bundle_download_bytes", "bundle_expanded_bytes", "bundle_file_bytes"])
      expect(metrics).toMatch(new RegExp(`regent_limit_rejections_total\\{limit="${limit}"\\} [1-9]`));
  });
});
