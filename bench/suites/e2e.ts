/**
 * End to end over gRPC on loopback: `regent serve` (AI-gateway bundle, cached JWT) beside a no-op
 * grpc-js Check server run the same way. Throughput from h2load, latency percentiles from a raw node:http2
 * client process; concurrencies 1, 16 and 64. Also the sidecar's RSS at idle and under load.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { lastJsonLine, runTsChild } from "../lib/child.js";
import { ensureH2load, runH2load, type H2loadResult } from "../loadgen/h2load.js";
import { benchEnv, round, skipped, withRatio, type ScenarioResult } from "../lib/result.js";
import { freePort, peakRssDuring, startServer, type RunningServer } from "../lib/server.js";
import type { Suite, SuiteContext } from "../lib/suite.js";
import { prepareRegent } from "../e2e/regent.js";

const CONCURRENCIES = [1, 16, 64] as const;
const TARGETS = ["noop", "regent"] as const;
/** Offered load of the open-loop latency rows: below both servers' capacity here, so latency is not queueing. */
const OPEN_LOOP_RPS = 250;

export const e2eSuite: Suite = {
  name: "e2e",
  scenarios: [
    ...CONCURRENCIES.flatMap((c) => TARGETS.map((t) => `e2e/${t}/c${c}`)),
    ...TARGETS.map((t) => `e2e/${t}/r${OPEN_LOOP_RPS}`),
    "memory/sidecar-rss-idle",
    "memory/sidecar-rss-load",
  ],
  async run(ctx) {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "regent-bench-e2e-"));
    const servers: RunningServer[] = [];
    try {
      return await runE2e(ctx, tmp, servers);
    } finally {
      for (const s of servers) await s.stop();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

interface ClientResult {
  requests: number;
  ok: number;
  allowed: number;
  denied: number;
  errors: number;
  rps: number;
  mean_us: number;
  p50_us: number;
  p99_us: number;
  p999_us: number;
  timed_out: boolean;
}

async function runE2e(ctx: SuiteContext, tmp: string, servers: RunningServer[]): Promise<ScenarioResult[]> {
  const rows: ScenarioResult[] = [];
  const regent = await prepareRegent(tmp, ctx.log);
  const bodyFile = path.join(tmp, "check.grpc");
  writeFileSync(bodyFile, regent.frame);

  const h2load = ensureH2load(ctx.log);
  if (!h2load.ok) ctx.log(`h2load unavailable (${h2load.why}); throughput falls back to the node:http2 client`);

  const live: Partial<Record<(typeof TARGETS)[number], RunningServer>> = {};
  const noopPort = await freePort();
  live.noop = await startServer("no-op Check server", ["--import", "tsx", "bench/noop-server.ts", "--port", String(noopPort)], noopPort, 60_000);
  servers.push(live.noop);
  let regentWhy = regent.ok ? "" : regent.why;
  if (regent.ok) {
    try {
      const port = await freePort();
      live.regent = await startServer("regent serve", regent.args(port), port, 120_000);
      servers.push(live.regent);
    } catch (err) {
      // The verb exists, so a sidecar that cannot start is a failure, not a missing piece.
      ctx.markFailed((err as Error).message);
      regentWhy = `failed: ${(err as Error).message}`;
    }
  }
  if (live.regent && regent.ok) {
    try {
      await checkAllows(live.regent, bodyFile, regent.describe, ctx);
    } catch (err) {
      // The no-op rows still mean something; regent's would time a deny, so they are not taken.
      ctx.markFailed((err as Error).message);
      regentWhy = `failed: ${(err as Error).message}`;
      await live.regent.stop();
      delete live.regent;
    }
  }

  // Requests for the latency client are bounded in count and in time; h2load runs for a fixed time.
  const counts = ctx.quick ? { warm: 200, h2loadS: 2, client: 600, clientMs: 4_000 } : { warm: 1_000, h2loadS: 6, client: 10_000, clientMs: 8_000 };
  let idleMb: number | null = null;
  let loadMb: number | null = null;
  // The no-op server runs the same way (node + tsx), so its RSS is the floor to read regent's against.
  const noopIdleMb = live.noop.rssMb();
  let noopLoadMb: number | null = null;
  if (live.regent) {
    await new Promise((r) => setTimeout(r, 500));
    idleMb = live.regent.rssMb();
  }
  const byName = new Map<string, ScenarioResult>();
  for (const c of CONCURRENCIES) {
    for (const t of TARGETS) {
      const name = `e2e/${t}/c${c}`;
      const server = live[t];
      if (!server) {
        if (ctx.wants(name)) byName.set(name, skipped(name, regentWhy.startsWith("failed: ") ? regentWhy : `regent serve: ${regentWhy}`));
        continue;
      }
      const forMemory = c === 64 && ctx.wants("memory/sidecar-rss-load");
      if (!ctx.wants(name) && !forMemory) continue;
      ctx.log(`${name}: throughput, latency`);
      // h2load warms the server up for 1 s before it measures; the latency client then warms its own connection.
      let h2: H2loadResult | undefined;
      const measured = await peakRssDuring(server, 100, async () => {
        if (h2load.ok) h2 = await runH2load(h2load.bin, server.port, bodyFile, c, counts.h2loadS, 60_000);
        return client(server.port, bodyFile, c, counts.client, counts.warm, counts.clientMs);
      });
      if (t === "regent" && c === 64) loadMb = measured.peakMb;
      if (t === "noop" && c === 64) noopLoadMb = measured.peakMb;
      byName.set(name, row(name, c, measured.value, h2));
    }
  }
  for (const t of TARGETS) {
    const name = `e2e/${t}/r${OPEN_LOOP_RPS}`;
    const server = live[t];
    if (!ctx.wants(name)) continue;
    if (!server) {
      byName.set(name, skipped(name, regentWhy.startsWith("failed: ") ? regentWhy : `regent serve: ${regentWhy}`));
      continue;
    }
    ctx.log(`${name}: open-loop latency at ${OPEN_LOOP_RPS} requests per second`);
    const n = OPEN_LOOP_RPS * (ctx.quick ? 2 : 4);
    const cl = await client(server.port, bodyFile, 1, n, counts.warm, counts.clientMs + 5_000, OPEN_LOOP_RPS);
    const r = row(name, 0, cl, undefined);
    r.extra = { ...r.extra, offered_rps: OPEN_LOOP_RPS, rps_from: "node-http2 (open loop)" };
    delete r.extra.concurrency;
    byName.set(name, r);
  }
  for (const c of CONCURRENCIES) {
    const noop = byName.get(`e2e/noop/c${c}`);
    const reg = byName.get(`e2e/regent/c${c}`);
    if (noop) rows.push(noop);
    if (reg) rows.push(noop ? withRatio(reg, noop, "rps") : reg);
  }
  const openNoop = byName.get(`e2e/noop/r${OPEN_LOOP_RPS}`);
  const openRegent = byName.get(`e2e/regent/r${OPEN_LOOP_RPS}`);
  if (openNoop) rows.push(openNoop);
  if (openRegent) rows.push(openNoop ? withRatio(openRegent, openNoop, "p50_us") : openRegent);
  const c16 = rows.findIndex((r) => r.name === "e2e/regent/c16");
  if (c16 >= 0 && !rows[c16]!.skipped) {
    const r = rows[c16]!;
    const ratio = r.ratio_to?.ratio ?? null;
    const met = (r.p99_us ?? Infinity) < 1000 && ratio !== null && ratio >= 0.6;
    rows[c16] = { ...r, extra: { ...r.extra, target: "p99 < 1000 µs and rps ≥ 0.6× no-op", target_met: met } };
  }
  const memWhy = regentWhy.startsWith("failed: ") ? regentWhy : `regent serve: ${regentWhy}`;
  rows.push(memRow("memory/sidecar-rss-idle", idleMb, live.regent ? "" : memWhy, { when: "after start and one check", noop_rss_mb: noopIdleMb }));
  rows.push(memRow("memory/sidecar-rss-load", loadMb, live.regent ? "" : memWhy, { when: "peak during the c64 run", noop_rss_mb: noopLoadMb }));
  return rows;
}

function memRow(name: string, mb: number | null, why: string, extra: Record<string, string | number | null>): ScenarioResult {
  if (mb === null) return skipped(name, why || "RSS could not be read from /proc");
  return { name, ops_per_sec: null, mean_us: null, p50_us: null, p99_us: null, samples: 0, env: benchEnv(), extra: { rss_mb: mb, ...extra } };
}

function row(name: string, c: number, cl: ClientResult, h2: H2loadResult | undefined): ScenarioResult {
  const rps = h2 ? h2.rps : cl.rps;
  return {
    name,
    ops_per_sec: round(rps, 0),
    mean_us: cl.mean_us,
    p50_us: cl.p50_us,
    p99_us: cl.p99_us,
    samples: cl.requests,
    env: benchEnv(),
    extra: {
      concurrency: c,
      rps: round(rps, 0),
      rps_from: h2 ? "h2load" : "node-http2",
      p999_us: cl.p999_us,
      client_rps: round(cl.rps, 0),
      time_bounded: cl.timed_out,
      ...(h2 ? { h2load_mean_us: round(h2.mean_us, 1), h2load_failed: h2.failed + h2.errored } : {}),
      allowed: cl.allowed,
      denied: cl.denied,
      errors: cl.errors,
    },
  };
}

async function client(port: number, bodyFile: string, c: number, n: number, warmup: number, maxMs = 10_000, rate = 0): Promise<ClientResult> {
  const args = ["--port", String(port), "--body-file", bodyFile, "--concurrency", String(c), "--requests", String(n), "--warmup", String(warmup), "--max-ms", String(maxMs)];
  if (rate > 0) args.push("--rate", String(rate));
  const run = await runTsChild("bench/loadgen/h2-client.ts", args, [], maxMs + 60_000);
  return lastJsonLine<ClientResult>(run, "the node:http2 load client");
}

/** The benchmark is of an allow decision; a deny path would measure something else. */
async function checkAllows(server: RunningServer, bodyFile: string, what: string, ctx: SuiteContext): Promise<void> {
  // The port may open before the bundle is active; give activation a few seconds.
  let r = await client(server.port, bodyFile, 1, 1, 0);
  for (let i = 0; i < 20 && r.allowed !== 1; i++) {
    await new Promise((res) => setTimeout(res, 500));
    r = await client(server.port, bodyFile, 1, 1, 0);
  }
  if (r.allowed !== 1) {
    const last = server.output().trim().split("\n").pop() ?? "";
    const reason = /"reason":"([^"]*)"/.exec(last)?.[1];
    throw new Error(`regent serve did not allow the benchmark request (denied=${r.denied}, errors=${r.errors}${reason ? `, reason ${reason}` : ""})`);
  }
  ctx.log(`regent serve allows the benchmark request (${what})`);
}
