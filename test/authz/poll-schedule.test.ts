/**
 * The polling schedule (src/authz/poll-schedule.ts) and the activator using it against a local
 * bundle service: jitter bounds, capped exponential backoff, Retry-After (seconds and
 * HTTP-date) as a floor, and OPA's long polling delivering a new revision while the periodic
 * interval is a minute away.
 */
import { afterEach, describe, expect, it } from "vitest";
import pino from "pino";
import { createServer } from "node:http";
import { isLongPollResponse, LONG_POLL_GAP_MS, nextPollDelayMs, parseRetryAfter } from "../../src/authz/poll-schedule.js";
import { BundleActivator } from "../../src/authz/bundles.js";
import { parseBundleFiles, writeBundle } from "../../src/bundle/index.js";
import { FleetBundleServer } from "../../bench/fleet/bundle-server.js";

const fixed = (v: number) => () => v;
const opts = { minSeconds: 10, maxSeconds: 20, backoffMaxSeconds: 300 };

describe("nextPollDelayMs", () => {
  it("after a success: uniform in [min, max]", () => {
    expect(nextPollDelayMs({ ...opts, random: fixed(0) }, 0)).toBe(10_000);
    expect(nextPollDelayMs({ ...opts, random: fixed(0.5) }, 0)).toBe(15_000);
    expect(nextPollDelayMs({ ...opts, random: fixed(0.999) }, 0)).toBeCloseTo(19_990);
  });

  it("after failures: doubling from min, jittered in [b/2, b], capped at backoffMaxSeconds", () => {
    const bounds = (f: number) => [nextPollDelayMs({ ...opts, random: fixed(0) }, f), nextPollDelayMs({ ...opts, random: fixed(1) }, f)];
    expect(bounds(1)).toEqual([5_000, 10_000]);
    expect(bounds(2)).toEqual([10_000, 20_000]);
    expect(bounds(3)).toEqual([20_000, 40_000]);
    expect(bounds(6)).toEqual([150_000, 300_000]);
    expect(bounds(60)).toEqual([150_000, 300_000]);
    expect(nextPollDelayMs({ minSeconds: 10, maxSeconds: 20, random: fixed(1) }, 9)).toBe(20_000); // default cap: maxSeconds
  });

  it("honours Retry-After as a floor with up to 10% jitter, and never waits less than the backoff", () => {
    expect(nextPollDelayMs({ ...opts, random: fixed(0) }, 1, { retryAfterMs: 120_000 })).toBe(120_000);
    expect(nextPollDelayMs({ ...opts, random: fixed(1) }, 1, { retryAfterMs: 120_000 })).toBe(132_000);
    expect(nextPollDelayMs({ ...opts, random: fixed(0.5) }, 3, { retryAfterMs: 1_000 })).toBe(30_000);
    expect(nextPollDelayMs({ ...opts, random: fixed(0) }, 1, { retryAfterMs: 10 * 86_400_000 })).toBe(86_400_000);
  });

  it("re-polls at once (within a small gap) while the server long-polls", () => {
    expect(nextPollDelayMs({ ...opts, random: fixed(1) }, 0, { longPoll: true })).toBe(LONG_POLL_GAP_MS);
    expect(nextPollDelayMs({ ...opts, random: fixed(0) }, 2, { longPoll: true })).toBe(10_000); // failures back off anyway
  });
});

describe("parseRetryAfter and the long-poll content type", () => {
  const now = Date.parse("2026-12-04T18:00:00Z");
  it("reads delta seconds and HTTP-dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Fri, 04 Dec 2026 18:01:30 GMT", now)).toBe(90_000);
    expect(parseRetryAfter("Fri, 04 Dec 2026 17:00:00 GMT", now)).toBe(0);
    for (const bad of [null, undefined, "", "soon", "-5", "1.5"]) expect(parseRetryAfter(bad, now)).toBeUndefined();
  });
  it("recognises OPA's long-polling content type", () => {
    expect(isLongPollResponse("application/vnd.openpolicyagent.bundles")).toBe(true);
    expect(isLongPollResponse("application/vnd.openpolicyagent.bundles; charset=utf-8")).toBe(true);
    expect(isLongPollResponse("application/gzip")).toBe(false);
    expect(isLongPollResponse(null)).toBe(false);
  });
});

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const bundleBytes = (revision: string) => writeBundle(parseBundleFiles(new Map([[".manifest", enc({ revision, roots: ["fleet"] })], ["fleet/data.json", enc({ revision })]])));

describe("the activator's polling against a bundle service", () => {
  const servers: FleetBundleServer[] = [];
  const activators: BundleActivator[] = [];
  afterEach(async () => {
    for (const a of activators.splice(0)) a.stop();
    for (const s of servers.splice(0)) await s.stop();
  });

  async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`${what} not reached in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it("long-polls: a new revision arrives while the periodic interval is a minute away", async () => {
    const server = new FleetBundleServer(true);
    servers.push(server);
    await server.start();
    server.publish(await bundleBytes("lp1"), "lp1");
    const active: string[] = [];
    const a = new BundleActivator(
      { source: server.url, pollMinSeconds: 60, pollMaxSeconds: 60, longPollingTimeoutSeconds: 30 },
      async (b) => void active.push(String(b.manifest.revision)),
      pino({ level: "silent" }),
      () => undefined,
    );
    activators.push(a);
    await a.start();
    expect(active).toEqual(["lp1"]);
    await until("a held request", () => server.counts.held >= 1);
    expect(a.status.long_polling).toBe(true);
    server.publish(await bundleBytes("lp2"), "lp2");
    await until("lp2 active", () => active.includes("lp2"));
    await until("held again", () => server.counts.held >= 2);
    expect(server.counts.requests).toBeLessThan(10); // no busy loop: each request is held
  });

  it("without long-poll support on the server it polls periodically, and a Retry-After holds it back", async () => {
    const server = new FleetBundleServer(false);
    servers.push(server);
    await server.start();
    server.publish(await bundleBytes("r1"), "r1");
    const a = new BundleActivator({ source: server.url, pollMinSeconds: 1, pollMaxSeconds: 2, longPollingTimeoutSeconds: 30 }, async () => undefined, pino({ level: "silent" }), () => undefined);
    activators.push(a);
    await a.poll();
    await a.poll();
    expect(server.counts).toMatchObject({ ok: 1, notModified: 1, held: 0 });
    expect(a.status.long_polling).toBe(false);
    expect(a.nextDelayMs()).toBeLessThanOrEqual(2_000);

    server.failWith = { status: 503, retryAfter: "120" };
    await a.poll();
    expect(a.status.consecutive_failures).toBe(1);
    expect(a.nextDelayMs()).toBeGreaterThanOrEqual(120_000);
    server.failWith = { status: 429, retryAfter: new Date(Date.now() + 600_000).toUTCString() };
    await a.poll();
    expect(a.nextDelayMs()).toBeGreaterThanOrEqual(590_000);
    server.failWith = undefined;
    await a.poll();
    expect(a.status.consecutive_failures).toBe(0);
    expect(a.nextDelayMs()).toBeLessThanOrEqual(2_000);
    expect(a.status.last_success).toBeDefined();
  });

  it("honours a registry's Retry-After on an oci:// source", async () => {
    let retryAfter = "300";
    const registry = createServer((_req, res) => void res.writeHead(429, { "retry-after": retryAfter, "content-type": "application/json" }).end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}'));
    await new Promise<void>((r) => registry.listen(0, "127.0.0.1", r));
    try {
      const port = (registry.address() as { port: number }).port;
      const a = new BundleActivator({ source: `oci://127.0.0.1:${port}/policies/ai:prod`, pollMinSeconds: 1, pollMaxSeconds: 2 }, async () => undefined, pino({ level: "silent" }), () => undefined);
      activators.push(a);
      await a.poll();
      expect(a.status.consecutive_failures).toBe(1);
      expect(a.status.last_error).toMatch(/bundle_oci_error: HEAD oci:\/\/.*:prod answered 429/);
      expect(a.nextDelayMs()).toBeGreaterThanOrEqual(300_000);
      retryAfter = new Date(Date.now() + 900_000).toUTCString();
      await a.poll();
      expect(a.nextDelayMs()).toBeGreaterThanOrEqual(890_000);
    } finally {
      registry.closeAllConnections();
      await new Promise((r) => registry.close(r));
    }
  });
});
