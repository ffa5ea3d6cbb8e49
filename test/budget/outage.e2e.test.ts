/**
 * Redis killed in the middle of a run, then restarted on the same port: a fail_closed replica
 * denies with 503 meanwhile and recovers by itself; a local replica keeps answering within its
 * share of the limit. Every Check answers (a gRPC deadline far above the store timeout guards hangs).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromStruct, requireBuild, startRegent, type Regent } from "../authz/harness.js";
import { startRedis, stopRedis, waitUntil, type RedisNode } from "./redis-harness.js";
import { setup, spend, writeConfig, type Setup } from "./fleet-harness.js";

let s: Setup;
let redis: RedisNode;
let closed: Regent;
let local: Regent;
/** Far above timeout_ms (300): a Check that runs into it hung, whatever the machine's load. */
const DEADLINE_MS = 20_000;

beforeAll(async () => {
  requireBuild();
  s = await setup();
  redis = await startRedis();
  const redisLine = (mode: string, prefix: string) => `redis: {url: "${redis.url}", timeout_ms: 300, unavailable: ${mode}, local_share: 0.1, key_prefix: ${prefix}}`;
  closed = await startRegent(["--config", writeConfig(s, "closed", ["store: redis", redisLine("fail_closed", "c")]), "--bundle", s.bundlePath]);
  local = await startRegent(["--config", writeConfig(s, "local", ["store: redis", redisLine("local", "l")]), "--bundle", s.bundlePath]);
  await Promise.all([closed.waitReady(), local.waitReady()]);
}, 120_000);

afterAll(async () => {
  await closed?.stop();
  await local?.stop();
  await stopRedis(redis);
});

const one = async (r: Regent, sub = "u") => r.client.check(await spend(s, { sub, tenant: "fleet" }, { model: "m", max_tokens: 1 }), DEADLINE_MS);

describe("Redis goes away and comes back", () => {
  it("fail_closed denies with 503 and recovers by itself; local answers within its share", async () => {
    expect((await one(closed)).status.code).toBe(0);
    expect((await one(local)).status.code).toBe(0);
    expect((await closed.admin("/metrics")).body).toMatch(/regent_budget_store_mode\{mode="redis"\} 1/);

    await redis.kill();

    const down = await one(closed);
    expect(down.deniedResponse.status.code).toBe("ServiceUnavailable");
    expect(JSON.parse(down.deniedResponse.body)).toMatchObject({ error: "budget_store_unavailable" });
    await closed.waitFor((l) => l.msg === "budget store: Redis unreachable; denying budgeted requests with 503" && l.mode === "fail_closed");
    expect((await closed.admin("/metrics")).body).toMatch(/regent_budget_store_mode\{mode="fail_closed"\} 1/);

    // The local replica grants its share (0.1 of the tenant limit of 100) and then refuses, all without Redis.
    const results = [];
    for (let i = 0; i < 15; i++) results.push(await one(local, `v${i}`));
    expect(results.filter((r) => r.status.code === 0)).toHaveLength(10);
    expect(results.slice(10).every((r) => r.deniedResponse.status.code === "TooManyRequests")).toBe(true);
    expect(fromStruct(results[0]!.dynamicMetadata).budget.local).toBe(true);
    await local.waitFor((l) => l.msg === "budget store: Redis unreachable; answering from this replica's local share" && l.mode === "local");

    await redis.restart();

    await waitUntil("the fail_closed replica to recover", async () => (await one(closed)).status.code === 0);
    await closed.waitFor((l) => l.msg === "budget store: Redis reachable again");
    expect((await closed.admin("/metrics")).body).toMatch(/regent_budget_store_mode\{mode="redis"\} 1/);
    await waitUntil("the local replica to use Redis again", async () => {
      const r = await one(local, "w");
      return r.status.code === 0 && fromStruct(r.dynamicMetadata).budget.local !== true;
    });
  }, 180_000);
});

describe("Redis stops answering without closing the connection", () => {
  it("answers within the store timeout (fail_closed: 503), gives back what a late reserve took, and recovers", async () => {
    expect((await one(closed, "z")).status.code).toBe(0);
    const peek = async () => fromStruct((await closed.client.check(await spend(s, { sub: "z", tenant: "frozen" }, undefined, "/v1/peek"), DEADLINE_MS)).dynamicMetadata);
    process.kill(redis.proc.pid!, "SIGSTOP");
    try {
      const frozen = await closed.client.check(await spend(s, { sub: "z", tenant: "frozen" }, { model: "m", max_tokens: 9 }), DEADLINE_MS);
      expect(frozen.deniedResponse.status.code).toBe("ServiceUnavailable");
      expect(JSON.parse(frozen.deniedResponse.body).reason).toMatch(/no answer within 300 ms|timed out/i);
    } finally {
      process.kill(redis.proc.pid!, "SIGCONT");
    }
    await waitUntil("the replica to answer from Redis again", async () => (await peek()).budget?.scopes !== undefined);
    // The reserve that Redis ran after waking up was released right behind it.
    expect((await peek()).budget.scopes.tenant).toMatchObject({ reserved: 0 });
  }, 120_000);
});
