/**
 * The token cache is bounded in bytes: 10,000 distinct 60 KB garbage tokens sent to a real
 * `regent serve` (with the token size limit raised so each one reaches the verifier and its
 * cache) leave the process's RSS within 50 MB of where it started, read from /proc.
 */
import { afterAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestIdp, checkRequest, startRegent, tempDir, type Regent } from "../authz/harness.js";
import { drive, pathBundle, rssOf } from "./lib.js";

const running: Regent[] = [];
afterAll(async () => {
  for (const r of running) await r.stop();
});

describe("token flood", () => {
  it("10,000 distinct 60 KB garbage tokens leave RSS within 50 MB of the start", async () => {
    const dir = tempDir();
    const bundle = join(dir, "b.tar.gz");
    writeFileSync(bundle, await pathBundle("r1"));
    const idp = await TestIdp.create();
    const jwks = join(dir, "jwks.json");
    idp.writeJwks(jwks);
    const config = join(dir, "regent.yaml");
    writeFileSync(config, "limits: {max_token_bytes: 131072, max_header_bytes: 262144}\ndecision_log: {enabled: false}\n");
    const regent = await startRegent(["--config", config, "--bundle", bundle, "--jwks-file", jwks, "--workers", "1"]);
    running.push(regent);
    await regent.waitReady();
    const pid = regent.proc.pid!;
    const body = "A".repeat(60 * 1024);
    const req = (i: number) => checkRequest({ path: "/ok/x", headers: { authorization: `Bearer ${i.toString(36)}${body}.${body.slice(0, 16)}.${i}` } });
    // Warm up with the same traffic (JIT, gRPC buffers, the heap's working size) before the baseline.
    await drive(1000, 8, (i) => regent.client.check(req(1_000_000 + i)));
    const start = rssOf(pid);
    let peak = start;
    let denied = 0;
    await drive(10_000, 8, (i) => regent.client.check(req(i)), (i, r) => {
      if (r.status.code !== 0) denied++;
      if (i % 500 === 0) peak = Math.max(peak, rssOf(pid));
    });
    const end = rssOf(pid);
    // Garbage never authenticates; the policy here allows /ok anyway, so every answer is a decision.
    expect(denied).toBe(0);
    expect(end - start, `RSS start ${start} end ${end} peak ${peak}`).toBeLessThan(50 * 1024 * 1024);
    const metrics = (await regent.admin("/metrics")).body;
    expect(metrics).toMatch(/regent_jwt_failures_total\{reason="malformed_token"\} \d+/);
    console.log(JSON.stringify({ test: "token-flood", rss_start_mb: +(start / 2 ** 20).toFixed(1), rss_end_mb: +(end / 2 ** 20).toFixed(1), rss_peak_mb: +(peak / 2 ** 20).toFixed(1) }));
  }, 600_000);
});
