/**
 * Token budgets: one Check's budget round trip to a local Redis (a nested three-scope reserve) beside
 * the in-process store, the tokenizer's cost per request at 1 KB and 16 KB of prompt, and end-to-end
 * Check throughput of `regent serve` with the Redis store against the in-process store, in the same run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { benchEnv, round, skipped, withRatio, type ScenarioResult } from "../lib/result.js";
import { measureAsync, measureSync } from "../lib/measure.js";
import { freePort } from "../lib/server.js";
import { ROOT } from "../lib/pieces.js";
import type { Suite, SuiteContext } from "../lib/suite.js";
import { benchRequest, BENCH_AUDIENCE } from "../e2e/request.js";
import { MemoryBudgetStore } from "../../src/budget/memory.js";
import { RedisBudgetStore } from "../../src/budget/redis.js";
import type { BudgetStore, Counter } from "../../src/budget/store.js";
import { loadTokenizer } from "../../src/budget/tokens.js";
import { promptTexts } from "../../src/budget/prompt.js";
import { compile } from "../../src/compiler/index.js";
import { parseBundleFiles, writeBundle } from "../../src/bundle/index.js";
import { loadProtos } from "../../src/authz/proto.js";

const STORE_ROWS = ["budget/roundtrip/memory", "budget/roundtrip/redis"] as const;
const TOKEN_ROWS = ["budget/tokenizer/1kb", "budget/tokenizer/16kb"] as const;
const E2E_ROWS = ["budget/e2e/memory", "budget/e2e/redis"] as const;
const CONCURRENCY = 32;

export const budgetSuite: Suite = {
  name: "budget",
  scenarios: [...STORE_ROWS, ...TOKEN_ROWS, ...E2E_ROWS],
  async run(ctx) {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "regent-bench-budget-"));
    let redis: ChildProcess | undefined;
    try {
      const rows: ScenarioResult[] = [];
      rows.push(...(await ctx.guard(TOKEN_ROWS, () => tokenizerRows(ctx))));
      const needRedis = [...STORE_ROWS, ...E2E_ROWS].some(ctx.wants);
      let url: string | undefined;
      let why = "";
      if (needRedis) {
        const started = await startRedis(tmp);
        if ("why" in started) why = started.why;
        else ({ proc: redis, url } = started);
      }
      if (url) {
        rows.push(...(await ctx.guard(STORE_ROWS, () => storeRows(ctx, url!))));
        rows.push(...(await ctx.guard(E2E_ROWS, () => e2eRows(ctx, url!, tmp))));
      } else if (needRedis) {
        for (const n of [...STORE_ROWS, ...E2E_ROWS]) if (ctx.wants(n)) rows.push(skipped(n, why));
      }
      return rows;
    } finally {
      redis?.kill("SIGKILL");
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

async function startRedis(dir: string): Promise<{ proc: ChildProcess; url: string } | { why: string }> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) return { why: "redis-server is not installed (apt-get install -y redis-server)" };
  const port = await freePort();
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  const probe = await RedisBudgetStore.connect({ url, keyPrefix: "probe", timeoutMs: 1000, unavailable: "fail_closed", localShare: 0 }, 10_000);
  const up = probe.currentMode === "redis";
  await probe.close();
  return up ? { proc, url } : { why: `redis-server on ${port} did not come up` };
}

/** tenant ⊃ user ⊃ agent, daily: the counters a nested Check reserves on. */
function nested(i: number): { tenant: string; counters: Counter[] } {
  const tenant = `t${i % 50}`;
  const counters = ["tenant:" + tenant, `user:${tenant}/u${i % 500}`, `agent:${tenant}/u${i % 500}/bot`].map((k) => ({ key: `${k}:86400`, limit: 1e12, windowSeconds: 86400 }));
  return { tenant, counters };
}

async function storeRows(ctx: SuiteContext, url: string): Promise<ScenarioResult[]> {
  const n = ctx.quick ? 2_000 : 20_000;
  const one = (store: BudgetStore) => {
    let i = 0;
    return () => {
      const { tenant, counters } = nested(++i);
      return store.reserve({ tenant, id: `b${i}-${Math.random()}`, tokens: 10, counters, ttlSeconds: 60, onExpiry: "release" });
    };
  };
  const memory = new MemoryBudgetStore();
  const redis = await RedisBudgetStore.connect({ url, keyPrefix: "bench", timeoutMs: 1000, unavailable: "fail_closed", localShare: 0 });
  try {
    ctx.log("budget/roundtrip: reserve on tenant ⊃ user ⊃ agent, one call at a time");
    const mem = await measureAsync(STORE_ROWS[0], one(memory), n, 500);
    const red = await measureAsync(STORE_ROWS[1], one(redis), n, 500);
    return [mem, withRatio(red, mem)];
  } finally {
    await redis.close();
  }
}

async function tokenizerRows(ctx: SuiteContext): Promise<ScenarioResult[]> {
  const tk = await loadTokenizer();
  const sentence = "Summarise the three most recent tickets about invoice exports failing, with ticket ids. ";
  const body = (bytes: number) => ({ model: "gpt-4o", max_tokens: 512, messages: [{ role: "system", content: "You answer support tickets." }, { role: "user", content: sentence.repeat(Math.ceil(bytes / sentence.length)).slice(0, bytes) }] });
  const rows: ScenarioResult[] = [];
  for (const [name, bytes] of [[TOKEN_ROWS[0], 1024], [TOKEN_ROWS[1], 16 * 1024]] as const) {
    if (!ctx.wants(name)) continue;
    // A distinct body per call, so no cache inside the tokenizer can answer for free.
    const bodies = Array.from({ length: 64 }, (_, i) => body(bytes - 3).messages.map((m) => ({ ...m, content: `${m.content}${i}` })));
    let i = 0;
    const row = measureSync(name, () => tk.count("gpt-4o", promptTexts({ messages: bodies[i++ % bodies.length] })), { quick: ctx.quick, timedCalls: ctx.quick ? 500 : 5_000 });
    rows.push({ ...row, extra: { ...row.extra, prompt_bytes: bytes, tokens: tk.count("gpt-4o", promptTexts({ messages: bodies[0] })) } });
  }
  return rows;
}

async function e2eRows(ctx: SuiteContext, url: string, dir: string): Promise<ScenarioResult[]> {
  const seconds = ctx.quick ? 3 : 10;
  const wasm = (await compile({ modules: [{ path: "p.rego", source: "package envoy.authz\n\nallow := true\n" }], entrypoints: ["envoy/authz/allow"] })).wasm;
  const enc = new TextEncoder();
  const bundlePath = path.join(dir, "bundle.tar.gz");
  const files = new Map<string, Uint8Array>([
    [".manifest", enc.encode(JSON.stringify({ revision: "bench", roots: [""], wasm: [{ entrypoint: "envoy/authz/allow", module: "/policy.wasm" }] }))],
    ["policy.wasm", wasm],
    ["data.json", enc.encode("{}")],
  ]);
  writeFileSync(bundlePath, await writeBundle(parseBundleFiles(files)));
  const body = JSON.stringify({ model: "gpt-4o", max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
  const req = await benchRequest(dir, { sub: "alice", tenant: "acme", roles: [] }, "/v1/chat/completions", body);
  const rows: ScenarioResult[] = [];
  for (const [name, store] of [[E2E_ROWS[0], "store: memory"], [E2E_ROWS[1], `store: redis\n  redis: {url: "${url}", key_prefix: e2e}`]] as const) {
    if (!ctx.wants(name)) continue;
    const cfg = path.join(dir, `${name.replace(/\W/g, "_")}.yaml`);
    writeFileSync(
      cfg,
      [
        "server: {workers: 1}",
        `identity: {jwks_file: ${req.jwksFile}, audience: ${BENCH_AUDIENCE}, algorithms: [ES256]}`,
        "decision_log: {enabled: false}",
        "budget:",
        "  scopes: [tenant, user]",
        "  scope_limits: {tenant: {budget: 1000000000000}, user: {budget: 1000000000000}}",
        `  ${store}`,
        "",
      ].join("\n"),
    );
    ctx.log(`${name}: regent serve, ${CONCURRENCY} concurrent Checks for ${seconds} s`);
    rows.push(await throughput(name, cfg, bundlePath, req.request, seconds));
  }
  const [mem, red] = rows;
  return mem && red ? [mem, withRatio(red, mem, "rps")] : rows;
}

/** Closed loop: CONCURRENCY Checks in flight from this process for `seconds`; every answer must allow. */
async function throughput(name: string, cfg: string, bundle: string, request: unknown, seconds: number): Promise<ScenarioResult> {
  const port = await freePort();
  const admin = await freePort();
  const proc = spawn(process.execPath, [path.join(ROOT, "bin/regent.js"), "serve", "--config", cfg, "--bundle", bundle, "--addr", `127.0.0.1:${port}`, "--admin-addr", `127.0.0.1:${admin}`], { stdio: "ignore" });
  try {
    const until = Date.now() + 60_000;
    while ((await fetch(`http://127.0.0.1:${admin}/health`).then((r) => r.status).catch(() => 0)) !== 200) {
      if (Date.now() > until) throw new Error(`${name}: regent serve did not become ready`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const Authorization = (loadProtos().root as any).envoy.service.auth.v3.Authorization as grpc.ServiceClientConstructor;
    const client = new Authorization(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as any;
    const check = () => new Promise<any>((res, rej) => client.Check(request, (e: Error | null, r: any) => (e ? rej(e) : res(r))));
    for (let i = 0; i < 200; i++) await check(); // warm-up
    let done = 0;
    let denied = 0;
    const lat: number[] = [];
    const stopAt = Date.now() + seconds * 1000;
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < stopAt) {
          const s = process.hrtime.bigint();
          const r = await check();
          lat.push(Number(process.hrtime.bigint() - s) / 1000);
          if (r.status.code !== 0) denied++;
          done++;
        }
      }),
    );
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    client.close();
    if (denied) throw new Error(`${name}: ${denied} Checks were denied; the benchmark must measure allowed reservations`);
    lat.sort((a, b) => a - b);
    const rps = done / elapsed;
    return {
      name,
      ops_per_sec: round(rps, 0),
      mean_us: round(lat.reduce((a, b) => a + b, 0) / lat.length, 1),
      p50_us: round(lat[Math.floor(lat.length * 0.5)]!, 1),
      p99_us: round(lat[Math.floor(lat.length * 0.99)]!, 1),
      samples: done,
      env: benchEnv(),
      extra: { rps: round(rps, 0), concurrency: CONCURRENCY, seconds, workers: 1, client: "grpc-js in the bench process" },
    };
  } finally {
    proc.kill("SIGTERM");
  }
}
