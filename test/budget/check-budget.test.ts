/**
 * The Check handler's budget steps in process, with real parts (compiled policies, the
 * in-process store, real JWTs): reserve before evaluation, release when the policy denies or
 * evaluation fails, the reservation header set or stripped, and the decision's own amount.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { createCheckHandler } from "../../src/authz/check.js";
import { compileAiExtractor } from "../../src/authz/ai.js";
import { DecisionLog, createLogger } from "../../src/authz/log.js";
import { Metrics } from "../../src/authz/metrics.js";
import { instantiateBundle, PolicySlot } from "../../src/authz/policy.js";
import { loadProtos } from "../../src/authz/proto.js";
import { parseBundleFiles } from "../../src/bundle/index.js";
import { validateConfig } from "../../src/config/schema.js";
import { parse } from "yaml";
import { MemoryBudgetStore } from "../../src/budget/memory.js";
import { JwksKeySource, TokenVerifier } from "../../src/identity/index.js";
import { TestIdp, checkRequest, compilePolicy, headerMap, tempDir } from "../authz/harness.js";

const POLICY = `package envoy.authz

allow := true if input.parsed_path[0] == "ok"

allow := false if input.parsed_path[0] == "no"

allow := {"allowed": true, "reserve_tokens": 5} if input.parsed_path[0] == "five"

allow := 1 / 0 if input.parsed_path[0] == "boom"
`;

async function setup() {
  const idp = await TestIdp.create();
  const jwks = join(tempDir(), "jwks.json");
  idp.writeJwks(jwks);
  const verifier = new TokenVerifier({ keys: new JwksKeySource({ file: jwks, cacheSeconds: 60, minRefreshSeconds: 0 }), issuer: [], audience: [], algorithms: ["RS256"], clockToleranceSeconds: 0, cacheSize: 10 });
  const config = validateConfig(parse("budget: {scopes: [tenant, user], scope_limits: {tenant: {budget: 100}}}"));
  const slot = new PolicySlot();
  const enc = new TextEncoder();
  const files = new Map([
    [".manifest", enc.encode(JSON.stringify({ revision: "t1", wasm: [{ entrypoint: "envoy/authz/allow", module: "/policy.wasm" }] }))],
    ["policy.wasm", await compilePolicy([{ path: "p.rego", source: POLICY }])],
  ]);
  slot.set(await instantiateBundle(parseBundleFiles(files), config.policy.decision_path));
  const store = new MemoryBudgetStore();
  const metrics = new Metrics();
  const log = new DecisionLog(createLogger("silent"), { enabled: false, level: "info", redactHeaders: [], mask: "", includeHeaders: false });
  const check = createCheckHandler({ config, slot, verifier, budget: store, ai: compileAiExtractor(config.ai), metrics, log });
  const token = await idp.token({ sub: "al", tenant: "acme" });
  // Through the proto codec, as the gRPC server would hand it over.
  const codec = loadProtos().authorization.Check!;
  const call = (path: string, maxTokens: number, extra: Record<string, string> = {}) =>
    check(codec.requestDeserialize(codec.requestSerialize(checkRequest({ method: "POST", path, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...extra }, body: JSON.stringify({ max_tokens: maxTokens }) }))));
  const reserved = async () => (await store.inspect("acme", [{ key: "tenant:acme:86400", limit: 100, windowSeconds: 86400 }])).counters[0]!.reserved;
  return { call, reserved };
}

describe("the Check's budget steps", () => {
  it("reserves before evaluation and puts the reservation id on the allowed request", async () => {
    const { call, reserved } = await setup();
    const r = await call("/ok", 30, { "x-regent-reservation": "forged.YWNtZQ" });
    expect(r.status.code).toBe(0);
    expect(headerMap(r.okResponse!.headers as { header: { key: string; value: string } }[])["x-regent-reservation"]).toMatch(/^[0-9a-f-]{36}\.YWNtZQ$/);
    expect(await reserved()).toBe(30);
  });

  it("releases the reservation when the policy denies or evaluation fails", async () => {
    const { call, reserved } = await setup();
    expect((await call("/no", 30)).status.code).toBe(7);
    expect((await call("/boom", 30)).status.code).toBe(7);
    expect(await reserved()).toBe(0);
  });

  it("strips a client-sent reservation header when nothing was reserved, and denies with 429 when the budget is spent", async () => {
    const { call } = await setup();
    await call("/ok", 100);
    const r = await call("/ok", 1, { "x-regent-reservation": "someone-else.YWNtZQ" });
    expect(r.deniedResponse!.status.code).toBe(429);
    const none = await call("/ok", 0, { "x-regent-reservation": "someone-else.YWNtZQ" });
    expect(none.status.code).toBe(0);
    expect(none.okResponse!.headersToRemove).toContain("x-regent-reservation");
  });

  it("lets the decision's reserve_tokens replace the amount reserved before evaluation", async () => {
    const { call, reserved } = await setup();
    expect((await call("/five", 40)).status.code).toBe(0);
    expect(await reserved()).toBe(5);
  });
});
