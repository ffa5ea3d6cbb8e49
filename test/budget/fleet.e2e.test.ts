/**
 * Budgets across a fleet, end to end: four `regent serve` processes share one real Redis (then
 * a real three-node Redis Cluster), 1,000 concurrent reservations against a tenant limit of 100
 * give exactly 100; nested scopes refuse with no partial reservation; a policy answers 402 with
 * the store's Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromStruct, headerMap, requireBuild, startRegent, type Regent } from "../authz/harness.js";
import { startRedis, startRedisCluster, stopRedis, type RedisClusterNodes, type RedisNode } from "./redis-harness.js";
import { setup, spend, writeConfig, type Setup } from "./fleet-harness.js";

let s: Setup;
let redis: RedisNode;
let cluster: RedisClusterNodes;
const running: Regent[] = [];

beforeAll(async () => {
  requireBuild();
  s = await setup();
  redis = await startRedis();
  cluster = await startRedisCluster();
}, 120_000);

afterAll(async () => {
  for (const r of running) await r.stop();
  await stopRedis(redis, ...(cluster?.nodes ?? []));
});

async function fleet(configPath: string, n: number): Promise<Regent[]> {
  const rs = await Promise.all(Array.from({ length: n }, () => startRegent(["--config", configPath, "--bundle", s.bundlePath])));
  running.push(...rs);
  await Promise.all(rs.map((r) => r.waitReady()));
  return rs;
}

async function stopAll(rs: Regent[]): Promise<void> {
  for (const r of rs) {
    await r.stop();
    running.splice(running.indexOf(r), 1);
  }
}

/** 1,000 Checks at once, spread round robin over the replicas, each reserving 1 token. */
async function stampede(rs: Regent[], tenant: string): Promise<{ allowed: number; denied: any[] }> {
  const reqs = await Promise.all(Array.from({ length: 1000 }, (_, i) => spend(s, { sub: `u${i % 37}`, tenant }, { model: "m", max_tokens: 1, messages: [] })));
  const results = await Promise.all(reqs.map((r, i) => rs[i % rs.length]!.client.check(r, 60_000)));
  return { allowed: results.filter((r) => r.status.code === 0).length, denied: results.filter((r) => r.status.code !== 0) };
}

describe("a fleet of regent serve processes sharing Redis", () => {
  it("grants exactly the tenant limit of 100 to 1,000 concurrent reservations over 4 replicas", async () => {
    const rs = await fleet(writeConfig(s, "redis", ["store: redis", `redis: {url: "${redis.url}", timeout_ms: 5000}`]), 4);
    const { allowed, denied } = await stampede(rs, "fleet");
    expect(allowed).toBe(100);
    expect(denied).toHaveLength(900);
    expect(denied.every((d) => d.deniedResponse.status.code === "TooManyRequests")).toBe(true);
    const body = JSON.parse(denied[0].deniedResponse.body);
    expect(body).toMatchObject({ error: "budget_exhausted", budget: "tenant:fleet" });
    expect(Number(headerMap(denied[0].deniedResponse.headers)["retry-after"])).toBeGreaterThan(0);
    await stopAll(rs);
  }, 180_000);

  it("holds on a three-node Redis Cluster too", async () => {
    const rs = await fleet(writeConfig(s, "cluster", ["store: redis", `redis: {nodes: [${cluster.seeds.join(", ")}], timeout_ms: 5000}`]), 4);
    const { allowed } = await stampede(rs, "fleet");
    expect(allowed).toBe(100);
    await stopAll(rs);
  }, 180_000);
});

describe("nested scopes through the sidecar", () => {
  let r: Regent;
  beforeAll(async () => {
    [r] = await fleet(writeConfig(s, "nested", ["store: redis", `redis: {url: "${redis.url}", key_prefix: nested, timeout_ms: 5000}`], [], ["ai: {tokens: {count_prompt: true}}"]), 1);
  }, 120_000);

  it("denies a user at their limit while the tenant has room, holds an agent by its own scope, and leaves nothing reserved on refusal", async () => {
    const ok = await r.client.check(await spend(s, { sub: "alice", tenant: "nest" }, { model: "m", max_tokens: 30 }));
    expect(ok.status.code).toBe(0);
    // The reservation id rides on the allowed request for ext_proc to settle by.
    expect(headerMap(ok.okResponse.headers)["x-regent-reservation"]).toMatch(/^[0-9a-f-]{36}\.bmVzdA$/);
    const b = fromStruct(ok.dynamicMetadata).budget;
    expect(b.scopes).toMatchObject({ tenant: { key: "tenant:nest", limit: 100000, reserved: 30 }, user: { key: "user:nest/alice", limit: 50, reserved: 30, remaining: 20 } });
    expect(b.reservation).toMatchObject({ tokens: 30, ok: true });

    const userFull = await r.client.check(await spend(s, { sub: "alice", tenant: "nest" }, { model: "m", max_tokens: 30 }, "/pay/x"));
    expect(userFull.deniedResponse.status.code).toBe("PaymentRequired");
    expect(userFull.deniedResponse.body).toBe("user");
    const retry = Number(headerMap(userFull.deniedResponse.headers)["retry-after"]);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86400);

    const bob = await r.client.check(await spend(s, { sub: "bob", tenant: "nest" }, { model: "m", max_tokens: 30 }));
    expect(bob.status.code).toBe(0); // the tenant still had room

    const agent = await r.client.check(await spend(s, { sub: "bob", tenant: "nest", act: { sub: "summarizer", act: { sub: "gateway" } } }, { model: "m", max_tokens: 25 }, "/pay/x"));
    expect(agent.deniedResponse.status.code).toBe("PaymentRequired");
    expect(agent.deniedResponse.body).toBe("agent");
    const ab = fromStruct(agent.dynamicMetadata).budget;
    expect(ab.scopes.agent).toMatchObject({ key: "agent:nest/bob/summarizer", limit: 20, reserved: 0 });
    expect(ab.exhausted).toBe(true);

    // No partial reservation: after two refusals, the tenant holds exactly alice's 30 and bob's 30.
    const peek = await r.client.check(await spend(s, { sub: "carol", tenant: "nest" }, undefined, "/v1/peek"));
    expect(fromStruct(peek.dynamicMetadata).budget.scopes.tenant).toMatchObject({ reserved: 60, spent: 0 });
  });

  it("reserves prompt + maximum output, with the model's default output limit from data", async () => {
    const res = await r.client.check(await spend(s, { sub: "dan", tenant: "nest" }, { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }));
    const ai = fromStruct(res.dynamicMetadata).ai;
    expect(ai).toMatchObject({ model: "gpt-4o", max_output_tokens: 7 });
    expect(ai.prompt_tokens).toBe(1); // "hi" is one o200k token
    expect(ai.reserve_tokens).toBe(8);
  });
});
