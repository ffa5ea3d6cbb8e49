/** The budget settings: defaults, the Redis store and nested scopes accepted, mistakes refused with the exact key. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateConfig } from "../../src/config/schema.js";

const load = (yaml: string) => validateConfig(parse(yaml));

describe("budget config", () => {
  it("defaults to the in-process store, no nested scopes, fail_closed when Redis is chosen", () => {
    const c = load("budget: {store: redis}");
    expect(c.budget).toMatchObject({ store: "redis", scopes: [], rate_window_seconds: 60, on_expiry: "charge", http_settle: false, redis: { unavailable: "fail_closed", timeout_ms: 250, key_prefix: "regent" } });
    expect(load("{}").budget.store).toBe("memory");
  });

  it("accepts nested scopes with budget and rate limits per scope and per id", () => {
    const c = load("budget: {scopes: [tenant, user, agent], scope_limits: {tenant: {budget: 10, rate: 2, ids: {acme: {budget: 20}}}}, redis: {nodes: ['127.0.0.1:7000', '127.0.0.1:7001']}}");
    expect(c.budget.scope_limits.tenant).toEqual({ budget: 10, rate: 2, ids: { acme: { budget: 20 } } });
    expect(c.budget.redis.nodes).toHaveLength(2);
  });

  it("refuses mistakes naming the key", () => {
    const bad: [string, RegExp][] = [
      ["budget: {scopes: [tenant, team]}", /budget\.scopes\[1\]: must be one of/],
      ["budget: {scopes: [user, user]}", /budget\.scopes: lists a scope twice/],
      ["budget: {scope_limits: {team: {budget: 1}}}", /budget\.scope_limits\.team: unknown scope/],
      ["budget: {scope_limits: {tenant: {budgte: 1}}}", /budget\.scope_limits\.tenant\.budgte: unknown key/],
      ["budget: {scope_limits: {tenant: {ids: {a: {budget: -1}}}}}", /budget\.scope_limits\.tenant\.ids\.a\.budget: must be an integer/],
      ["budget: {redis: {url: 'http://x'}}", /budget\.redis\.url: must be a redis/],
      ["budget: {redis: {unavailable: open}}", /budget\.redis\.unavailable: must be one of fail_closed, local/],
      ["budget: {redis: {local_share: 2}}", /budget\.redis\.local_share: must be a number between 0 and 1/],
      ["budget: {redis: {url: 'redis://a:1', nodes: ['b:2']}}", /set either budget\.redis\.url or budget\.redis\.nodes/],
      ["budget: {on_expiry: keep}", /budget\.on_expiry: must be one of charge, release/],
      ["ai: {tokens: {count_prompt: yes}}", /ai\.tokens\.count_prompt: must be true or false/],
    ];
    for (const [yaml, msg] of bad) expect(() => load(yaml), yaml).toThrow(msg);
  });
});
