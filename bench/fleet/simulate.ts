/**
 * The fleet simulation: N in-process pollers, each a real `BundleActivator` (regent's fetch,
 * ETag, schedule, long polling and activation code), against one local HTTP bundle service.
 * Reports requests/s at the server, the share answered 304, and how long each new revision
 * takes to reach 99% of the fleet, with and without OPA's long polling. Prints JSON.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { BundleActivator } from "../../src/authz/bundles.js";
import { parseBundleFiles, writeBundle } from "../../src/bundle/index.js";
import { FleetBundleServer } from "./bundle-server.js";

export interface FleetOptions {
  pollers: number;
  seconds: number;
  longPolling: boolean;
  pollMinSeconds: number;
  pollMaxSeconds: number;
  longPollingTimeoutSeconds: number;
  /** A new revision is published this often. */
  publishEverySeconds: number;
  log?: (m: string) => void;
}

export interface FleetResult {
  mode: "long-polling" | "periodic";
  pollers: number;
  seconds: number;
  poll_min_seconds: number;
  poll_max_seconds: number;
  long_polling_timeout_seconds: number | null;
  requests: number;
  requests_per_second: number;
  /** Requests per second after the start-up burst (the first poll_max_seconds left out). */
  steady_requests_per_second: number;
  share_304: number;
  share_200: number;
  revisions_published: number;
  /** Per published revision: seconds until 99% (and 100%) of the fleet had activated it. */
  reach_p99_seconds: number[];
  reach_all_seconds: number[];
  failed_polls: number;
}

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const bundleBytes = (revision: string) => writeBundle(parseBundleFiles(new Map([[".manifest", enc({ revision, roots: ["fleet"] })], ["fleet/data.json", enc({ revision, limits: { acme: 1000 } })]])));

function quantileSeconds(ms: number[], q: number): number {
  const s = [...ms].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!) / 1000;
}

export async function simulateFleet(o: FleetOptions): Promise<FleetResult> {
  const log = o.log ?? (() => undefined);
  const server = new FleetBundleServer(o.longPolling);
  await server.start();
  let revision = 0;
  server.publish(await bundleBytes("rev-0"), "rev-0");
  const silent = pino({ level: "silent" });
  const arrivals = new Map<string, number[]>();
  let failed = 0;
  const fleet = Array.from({ length: o.pollers }, () =>
    new BundleActivator(
      {
        source: server.url,
        pollMinSeconds: o.pollMinSeconds,
        pollMaxSeconds: o.pollMaxSeconds,
        longPollingTimeoutSeconds: o.longPolling ? o.longPollingTimeoutSeconds : undefined,
        fetchTimeoutMs: 30_000,
        onPoll: (ok) => void (ok || failed++),
      },
      async (bundle) => {
        const rev = String(bundle.manifest.revision);
        (arrivals.get(rev) ?? arrivals.set(rev, []).get(rev)!).push(Date.now());
      },
      silent,
      () => undefined,
    ),
  );
  const t0 = Date.now();
  // Sidecars of a fleet start over some seconds, not in one instant: spread the starts over poll_min.
  await Promise.all(fleet.map((a, i) => new Promise<void>((r) => setTimeout(() => void a.start().then(r, r), (i / o.pollers) * o.pollMinSeconds * 1000))));
  log(`${o.pollers} pollers up after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const warm = { at: t0 + o.pollMaxSeconds * 1000, requests: -1 };
  const published: { rev: string; at: number }[] = [];
  const end = t0 + o.seconds * 1000;
  let next = t0 + o.publishEverySeconds * 1000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    if (warm.requests < 0 && Date.now() >= warm.at) warm.requests = server.counts.requests;
    if (Date.now() >= next && Date.now() + o.pollMaxSeconds * 1000 < end) {
      const rev = `rev-${++revision}`;
      const bytes = await bundleBytes(rev);
      published.push({ rev, at: Date.now() });
      server.publish(bytes, rev);
      log(`published ${rev}`);
      next += o.publishEverySeconds * 1000;
    }
  }
  const elapsed = (Date.now() - t0) / 1000;
  const counts = { ...server.counts };
  for (const a of fleet) a.stop();
  await server.stop();
  const reachP99: number[] = [];
  const reachAll: number[] = [];
  for (const p of published) {
    const times = (arrivals.get(p.rev) ?? []).map((t) => t - p.at);
    if (times.length < Math.ceil(o.pollers * 0.99)) {
      reachP99.push(Number.NaN);
      reachAll.push(Number.NaN);
      continue;
    }
    reachP99.push(quantileSeconds(times, 0.99));
    reachAll.push(times.length === o.pollers ? quantileSeconds(times, 1) : Number.NaN);
  }
  const steadySeconds = elapsed - o.pollMaxSeconds;
  const answered = counts.ok + counts.notModified;
  return {
    mode: o.longPolling ? "long-polling" : "periodic",
    pollers: o.pollers,
    seconds: Math.round(elapsed),
    poll_min_seconds: o.pollMinSeconds,
    poll_max_seconds: o.pollMaxSeconds,
    long_polling_timeout_seconds: o.longPolling ? o.longPollingTimeoutSeconds : null,
    requests: counts.requests,
    requests_per_second: Math.round((counts.requests / elapsed) * 10) / 10,
    steady_requests_per_second: warm.requests >= 0 && steadySeconds > 0 ? Math.round(((counts.requests - warm.requests) / steadySeconds) * 10) / 10 : Number.NaN,
    share_304: answered ? Math.round((counts.notModified / answered) * 1000) / 1000 : 0,
    share_200: answered ? Math.round((counts.ok / answered) * 1000) / 1000 : 0,
    revisions_published: published.length,
    reach_p99_seconds: reachP99,
    reach_all_seconds: reachAll,
    failed_polls: failed,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pollers: { type: "string", default: "1000" },
      seconds: { type: "string", default: "120" },
      "poll-min": { type: "string", default: "10" },
      "poll-max": { type: "string", default: "20" },
      "long-poll-timeout": { type: "string", default: "30" },
      "publish-every": { type: "string", default: "30" },
      mode: { type: "string", default: "both" },
      out: { type: "string", default: "bench/results/fleet.json" },
    },
  });
  const num = (k: keyof typeof values) => {
    const n = Number(values[k]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a positive number, got ${String(values[k])}`);
    return n;
  };
  const modes = values.mode === "both" ? [false, true] : values.mode === "long-polling" ? [true] : values.mode === "periodic" ? [false] : undefined;
  if (!modes) throw new Error(`--mode must be both, periodic or long-polling, got ${values.mode}`);
  const results: FleetResult[] = [];
  for (const longPolling of modes) {
    const log = (m: string) => void process.stderr.write(`[fleet ${longPolling ? "long-polling" : "periodic"}] ${m}\n`);
    results.push(
      await simulateFleet({
        pollers: num("pollers"),
        seconds: num("seconds"),
        longPolling,
        pollMinSeconds: num("poll-min"),
        pollMaxSeconds: num("poll-max"),
        longPollingTimeoutSeconds: num("long-poll-timeout"),
        publishEverySeconds: num("publish-every"),
        log,
      }),
    );
  }
  const out = resolve(String(values.out));
  mkdirSync(dirname(out), { recursive: true });
  const doc = { command: `node --import tsx bench/fleet/simulate.ts ${process.argv.slice(2).join(" ")}`.trim(), node: process.version, date: new Date().toISOString(), results };
  writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");
  process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`fleet simulation failed: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
