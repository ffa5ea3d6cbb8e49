/**
 * One contract, three stores: in-process, Redis, and Redis Cluster (real servers on loopback).
 * Nested scopes all-or-nothing, no partial reservation left behind, settlement to real usage,
 * refund, expiry charged or released, and exactly-limit under concurrency.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryBudgetStore } from "../../src/budget/memory.js";
import { RedisBudgetStore } from "../../src/budget/redis.js";
import { CHARGE_RESERVED, type BudgetStore, type Counter, type ReserveRequest } from "../../src/budget/store.js";
import { startRedis, startRedisCluster, stopRedis, waitUntil, type RedisClusterNodes, type RedisNode } from "./redis-harness.js";

let redis: RedisNode;
let cluster: RedisClusterNodes;
const stores: Record<string, BudgetStore> = {};

beforeAll(async () => {
  redis = await startRedis();
  cluster = await startRedisCluster();
  stores.memory = new MemoryBudgetStore();
  stores.redis = await RedisBudgetStore.connect({ url: redis.url, keyPrefix: "t", timeoutMs: 2000, unavailable: "fail_closed", localShare: 0 });
  stores.cluster = await RedisBudgetStore.connect({ nodes: cluster.seeds, keyPrefix: "t", timeoutMs: 2000, unavailable: "fail_closed", localShare: 0 });
}, 120_000);

afterAll(async () => {
  for (const s of Object.values(stores)) await s.close();
  await stopRedis(redis, ...(cluster?.nodes ?? []));
});

let seq = 0;
const day = (key: string, limit: number): Counter => ({ key: `${key}:86400`, limit, windowSeconds: 86400 });
const req = (tenant: string, tokens: number, counters: Counter[], extra: Partial<ReserveRequest> = {}): ReserveRequest => ({
  tenant, id: `r${++seq}`, tokens, counters, ttlSeconds: 300, onExpiry: "charge", ...extra,
});

describe.each(["memory", "redis", "cluster"])("budget store contract: %s", (name) => {
  const store = (): BudgetStore => stores[name]!;
  const tenant = (t: string): string => `${name}-${t}-${Math.random().toString(36).slice(2, 8)}`;

  it("nests scopes: the user's limit holds while the tenant has room; the agent's holds inside the user's", async () => {
    const t = tenant("acme");
    const ten = day(`tenant:${t}`, 1000);
    const user = day(`user:${t}/alice`, 100);
    const agent = day(`agent:${t}/alice/bot`, 30);
    expect((await store().reserve(req(t, 90, [ten, user]))).ok).toBe(true);
    const userFull = await store().reserve(req(t, 20, [ten, user]));
    expect(userFull).toMatchObject({ ok: false, refused: [user.key] });
    expect(userFull.retryAfterSeconds).toBeGreaterThan(0);
    const bob = day(`user:${t}/bob`, 100);
    expect((await store().reserve(req(t, 20, [ten, bob]))).ok).toBe(true); // the tenant still has room
    const agentFull = await store().reserve(req(t, 40, [ten, bob, agent]));
    expect(agentFull).toMatchObject({ ok: false, refused: [agent.key] });
    // No partial reservation: the refused calls left the tenant and user counters as they were.
    const now = await store().inspect(t, [ten, user, bob, agent]);
    expect(now.counters.map((c) => c.reserved)).toEqual([110, 90, 20, 0]);
  });

  it("gives exactly the limit to concurrent reservations", async () => {
    const t = tenant("race");
    const ten = day(`tenant:${t}`, 100);
    const results = await Promise.all(Array.from({ length: 300 }, () => store().reserve(req(t, 1, [ten]))));
    expect(results.filter((r) => r.ok).length).toBe(100);
    expect((await store().inspect(t, [ten])).counters[0]).toMatchObject({ reserved: 100, remaining: 0 });
  });

  it("checks the rate window and the budget window together", async () => {
    const t = tenant("rate");
    const budget = day(`tenant:${t}`, 1000);
    const rate: Counter = { key: `tenant:${t}:60`, limit: 50, windowSeconds: 60 };
    expect((await store().reserve(req(t, 40, [budget, rate]))).ok).toBe(true);
    const r = await store().reserve(req(t, 20, [budget, rate]));
    expect(r).toMatchObject({ ok: false, refused: [rate.key] });
    expect(r.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(r.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("settles to the real usage, refunds, charges in full when usage is unknown, and settles once", async () => {
    const t = tenant("settle");
    const ten = day(`tenant:${t}`, 1000);
    const a = req(t, 300, [ten]);
    const b = req(t, 200, [ten]);
    const c = req(t, 100, [ten]);
    for (const r of [a, b, c]) expect((await store().reserve(r)).ok).toBe(true);
    expect(await store().settle(t, a.id, 42)).toEqual({ found: true, reserved: 300, charged: 42 });
    expect(await store().settle(t, b.id, 0)).toEqual({ found: true, reserved: 200, charged: 0 });
    expect(await store().settle(t, c.id, CHARGE_RESERVED)).toEqual({ found: true, reserved: 100, charged: 100 });
    expect((await store().settle(t, a.id, 5)).found).toBe(false);
    expect((await store().inspect(t, [ten])).counters[0]).toMatchObject({ spent: 142, reserved: 0, remaining: 858 });
  });

  it("a retried reservation id is not taken twice", async () => {
    const t = tenant("dup");
    const ten = day(`tenant:${t}`, 1000);
    const r = req(t, 100, [ten]);
    expect((await store().reserve(r)).ok).toBe(true);
    expect((await store().reserve(r)).ok).toBe(true);
    expect((await store().inspect(t, [ten])).counters[0]!.reserved).toBe(100);
  });

  it("expires unsettled reservations: charged in full or released, as configured", async () => {
    const t = tenant("expire");
    const ten = day(`tenant:${t}`, 1000);
    expect((await store().reserve(req(t, 100, [ten], { ttlSeconds: 1, onExpiry: "charge" }))).ok).toBe(true);
    expect((await store().reserve(req(t, 50, [ten], { ttlSeconds: 1, onExpiry: "release" }))).ok).toBe(true);
    await waitUntil("both reservations to expire", async () => (await store().inspect(t, [ten])).counters[0]!.reserved === 0);
    expect((await store().inspect(t, [ten])).counters[0]).toMatchObject({ spent: 100, reserved: 0, remaining: 900 });
  });
});

describe("Redis store on Redis Cluster", () => {
  it("keeps one tenant's keys in one slot and spreads tenants over the nodes", async () => {
    const s = stores.cluster as RedisBudgetStore;
    const owners = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const t = `spread-${i}`;
      expect((await s.reserve(req(t, 1, [day(`tenant:${t}`, 10), day(`user:${t}/u`, 10), day(`model:gpt-4o`, 10)]))).ok).toBe(true);
      const slot = await (s.client as any).cluster("KEYSLOT", `t:{${t}}:exp`);
      owners.add(String(slot));
    }
    expect(owners.size).toBeGreaterThan(1);
  });
});
