/**
 * `regent serve` end to end: a real process, a real grpc-js client, real JWTs and a real
 * compiled bundle. Covers the decision mapping, identity failures, the act chain, budgets,
 * malformed requests, the admin port, config refusal and graceful shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { base64url } from "jose";
import {
  BIN, ROOT, TestIdp, buildBundle, checkRequest, compilePolicy, fromStruct, headerMap, requireBuild, startRegent, tempDir, type Regent,
} from "../authz/harness.js";

const echo = readFileSync(join(ROOT, "test/authz/fixtures/echo.rego"), "utf8");
let idp: TestIdp;
let dir: string;
let regent: Regent;
let jwksPath: string;

beforeAll(async () => {
  requireBuild();
  idp = await TestIdp.create(["k1"]);
  await idp.addKey("k2"); // not published until the rotation test
  dir = tempDir();
  jwksPath = join(dir, "jwks.json");
  idp.writeJwks(jwksPath, ["k1"]);
  const bundle = await buildBundle({ wasm: await compilePolicy([{ path: "echo.rego", source: echo }]), data: { meta: { revision: "r1" } }, revision: "r1" });
  writeFileSync(join(dir, "bundle.tar.gz"), bundle);
  writeFileSync(
    join(dir, "regent.yaml"),
    [
      "server:",
      "  workers: 1",
      "identity:",
      `  jwks_file: ${jwksPath}`,
      `  issuer: ${idp.issuer}`,
      `  audience: ${idp.audience}`,
      "  algorithms: [RS256]",
      "  clock_tolerance_seconds: 5",
      "  jwks_min_refresh_seconds: 0",
      "ai:",
      "  routes:",
      "    - {pattern: \"/allow/models/{model}/chat\", operation: chat}",
      "  model: {path_param: model, body_field: model}",
      "  requested_tokens: {body_field: max_tokens, header: x-tokens}",
      "budget:",
      "  scope: tenant",
      "  window_seconds: 3600",
      "  default_limit: 1000",
      "  limits: {tiny: 100}",
      "policy:",
      "  max_body_bytes: 4096",
      "",
    ].join("\n"),
  );
  regent = await startRegent(["--config", join(dir, "regent.yaml"), "--bundle", join(dir, "bundle.tar.gz")]);
  await regent.waitReady();
}, 120_000);

afterAll(async () => {
  await regent?.stop();
});

const bearer = async (claims: Record<string, unknown>, opts?: Parameters<TestIdp["token"]>[1]) => ({ authorization: `Bearer ${await idp.token(claims, opts)}` });

describe("regent serve: decisions", () => {
  it("allows, adds and removes headers, sets query parameters, and returns dynamic metadata", async () => {
    const res = await regent.client.check(checkRequest({ path: "/allow/models/gpt-4o/chat?x=1&x=2", headers: await bearer({ sub: "alice", tenant: "acme" }) }));
    expect(res.status.code).toBe(0);
    const ok = res.okResponse;
    expect(headerMap(ok.headers)).toEqual({ "x-subject": "alice", "x-rev": "r1" });
    expect(headerMap(ok.responseHeadersToAdd)["x-decision-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headersToRemove).toEqual(["authorization"]);
    expect(ok.queryParametersToSet).toEqual([{ key: "checked", value: "yes" }]);
    const md = fromStruct(res.dynamicMetadata);
    expect(md.path).toEqual(["allow", "models", "gpt-4o", "chat"]);
    expect(md.query).toEqual({ x: ["1", "2"] });
    expect(md.ai).toEqual({ operation: "chat", model: "gpt-4o" });
    expect(md.identity).toMatchObject({ authenticated: true, subject: "alice", tenant: "acme", actors: [], delegated: false });
  });

  it("denies with a custom status, body, headers and dynamic metadata", async () => {
    const res = await regent.client.check(checkRequest({ path: "/custom" }));
    expect(res.status.code).toBe(7);
    expect(res.deniedResponse.status.code).toBe("Conflict");
    expect(res.deniedResponse.body).toBe("a custom denial");
    expect(headerMap(res.deniedResponse.headers)).toEqual({ "x-custom": "yes" });
    expect(fromStruct(res.dynamicMetadata)).toEqual({ why: "custom" });
    // Envoy refuses statuses its HttpStatus enum does not define; the sidecar denies with 403 instead of sending one.
    const teapot = await regent.client.check(checkRequest({ path: "/teapot" }));
    expect(teapot.deniedResponse.status.code).toBe("Forbidden");
  });

  it("maps a boolean true to an empty ok_response, and denies the default and decisions of the wrong type", async () => {
    expect(await regent.client.check(checkRequest({ path: "/bool" }))).toEqual({ status: { code: 0 }, okResponse: {} });
    const def = await regent.client.check(checkRequest({ path: "/nothing-matches" }));
    expect(def.deniedResponse.status.code).toBe("Forbidden");
    expect(headerMap(def.deniedResponse.headers)).toEqual({ "x-reason": "default" });
    const num = await regent.client.check(checkRequest({ path: "/number" }));
    expect(num.status.code).toBe(7);
    expect(num.deniedResponse.status.code).toBe("Forbidden");
    const line = await regent.waitFor((l) => l.msg === "decision" && l.path === "/number");
    expect(line).toMatchObject({ result: "deny", http_status: 403, bundle_revision: "r1" });
    expect(String(line.error)).toMatch(/decision must be a boolean or an object, got number/);
  });
});

describe("regent serve: identity", () => {
  const whoami = async (headers: Record<string, string>, principal?: string) => {
    const res = await regent.client.check(checkRequest({ path: "/whoami", headers, principal }));
    return { res, identity: fromStruct(res.dynamicMetadata).identity };
  };

  it("gives the policy the reason a token failed, and the policy answers 401", async () => {
    const expired = await whoami(await bearer({ sub: "alice" }, { expiresIn: -3600 }));
    expect(expired.res.deniedResponse.status.code).toBe("Unauthorized");
    expect(expired.res.status.code).toBe(16);
    expect(expired.identity).toEqual({ authenticated: false, reason: "expired", roles: [], scopes: [], actors: [], delegated: false });
    expect((await whoami(await bearer({ sub: "alice" }, { aud: "another-api" }))).identity.reason).toBe("wrong_audience");
    expect((await whoami({})).identity.reason).toBe("missing_token");
    expect((await whoami({ authorization: "Basic YWxpY2U6cHc=" })).identity.reason).toBe("malformed_token");
  });

  it("never accepts alg none", async () => {
    const h = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    const now = Math.floor(Date.now() / 1000);
    const p = base64url.encode(JSON.stringify({ iss: idp.issuer, aud: idp.audience, sub: "mallory", exp: now + 600 }));
    const r = await whoami({ authorization: `Bearer ${h}.${p}.` });
    expect(r.identity).toMatchObject({ authenticated: false, reason: "disallowed_algorithm" });
  });

  it("refuses an HS256 token keyed with the RSA public key (HS/RS confusion)", async () => {
    const pem = await idp.publicPem("k1");
    const h = base64url.encode(JSON.stringify({ alg: "HS256", kid: "k1", typ: "JWT" }));
    const now = Math.floor(Date.now() / 1000);
    const p = base64url.encode(JSON.stringify({ iss: idp.issuer, aud: idp.audience, sub: "mallory", exp: now + 600 }));
    const sig = createHmac("sha256", pem).update(`${h}.${p}`).digest("base64url");
    const r = await whoami({ authorization: `Bearer ${h}.${p}.${sig}` });
    expect(r.identity).toMatchObject({ authenticated: false, reason: "disallowed_algorithm" });
  });

  it("refreshes the JWKS when a token names an unknown kid", async () => {
    const token = await bearer({ sub: "carol", tenant: "acme" }, { kid: "k2" });
    expect((await whoami(token)).identity).toMatchObject({ authenticated: false, reason: "unknown_key" });
    idp.writeJwks(jwksPath, ["k1", "k2"]); // the IdP rotates: k2 is published
    const fresh = await bearer({ sub: "carol", tenant: "acme", jti: "2" }, { kid: "k2" });
    expect((await whoami(fresh)).identity).toMatchObject({ authenticated: true, subject: "carol" });
  });

  it("keeps the subject apart from the on-behalf-of chain, and offers the workload", async () => {
    const r = await whoami(
      await bearer({ sub: "alice", tenant: "acme", roles: ["viewer"], scope: "chat rag", act: { sub: "svc-rag", client_id: "rag", act: { sub: "svc-gateway" } } }),
      "spiffe://cluster.local/ns/ai/sa/rag",
    );
    expect(r.identity).toMatchObject({
      authenticated: true,
      subject: "alice",
      tenant: "acme",
      roles: ["viewer"],
      scopes: ["chat", "rag"],
      actors: [{ sub: "svc-rag", client_id: "rag" }, { sub: "svc-gateway" }],
      delegated: true,
      workload: "spiffe://cluster.local/ns/ai/sa/rag",
    });
    const line = await regent.waitFor((l) => l.msg === "decision" && Array.isArray(l.actors) && (l.actors as string[]).includes("svc-gateway"));
    expect(line).toMatchObject({ subject: "alice", tenant: "acme", actors: ["svc-rag", "svc-gateway"] });
  });
});

describe("regent serve: tenancy", () => {
  it("denies a caller whose token tenant is not the path's tenant", async () => {
    const headers = await bearer({ sub: "alice", tenant: "acme" });
    const own = await regent.client.check(checkRequest({ path: "/tenants/acme/chat/completions", headers }));
    expect(own.status.code).toBe(0);
    expect(headerMap(own.okResponse.headers)).toEqual({ "x-tenant": "acme" });
    const other = await regent.client.check(checkRequest({ path: "/tenants/globex/chat/completions", headers }));
    expect(other.status.code).toBe(7);
    expect(other.deniedResponse.status.code).toBe("Forbidden");
    expect(headerMap(other.deniedResponse.headers)).toEqual({ "x-regent-reason": "tenant_mismatch" });
    // A tenant hidden behind an encoded slash is not the tenant: parsed_path decodes per segment.
    const sneaky = await regent.client.check(checkRequest({ path: "/tenants/acme%2F..%2Fglobex/chat", headers }));
    expect(sneaky.status.code).toBe(7);
  });
});

describe("regent serve: budgets", () => {
  it("reserves tokens on allow and answers 429 with Retry-After when the budget is spent", async () => {
    const headers = { ...(await bearer({ sub: "tim", tenant: "tiny" })), "content-type": "application/json" };
    const spend = (n: number) => regent.client.check(checkRequest({ method: "POST", path: "/spend", headers, body: JSON.stringify({ model: "gpt-4o", max_tokens: n }) }));
    const first = await spend(60);
    expect(first.status.code).toBe(0);
    expect(fromStruct(first.dynamicMetadata).budget).toMatchObject({ scope: "tenant", key: "tenant:tiny", limit: 100, remaining: 100, window_seconds: 3600 });
    const second = await spend(60);
    expect(second.status.code).toBe(7);
    expect(second.deniedResponse.status.code).toBe("TooManyRequests");
    const h = headerMap(second.deniedResponse.headers);
    expect(Number(h["retry-after"])).toBeGreaterThan(0);
    expect(Number(h["retry-after"])).toBeLessThanOrEqual(3600);
    expect(JSON.parse(second.deniedResponse.body)).toMatchObject({ error: "budget_exhausted", budget: "tenant:tiny" });
    const third = await spend(40); // exactly what is left
    expect(third.status.code).toBe(0);
    expect(fromStruct(third.dynamicMetadata).budget.remaining).toBe(40);
    const metrics = (await regent.admin("/metrics")).body;
    expect(metrics).toMatch(/regent_budget_rejections_total\{scope="tenant"\} 1/);
  });
});

describe("regent serve: malformed requests", () => {
  it("answers a CheckRequest without attributes", async () => {
    const res = await regent.client.check({});
    expect(res.status.code).toBe(7);
    expect(res.deniedResponse.status.code).toBe("Forbidden");
  });

  it("answers huge headers with a refusal (limits.max_header_bytes), never an allow", async () => {
    const res = await regent.client.check(checkRequest({ path: "/bool", headers: { "x-huge": "h".repeat(2 * 1024 * 1024), authorization: "Bearer " + "a".repeat(100_000) } }));
    expect(res.status.code).toBe(7);
    expect(res.deniedResponse.status.code).toBe("RequestHeaderFieldsTooLarge");
  });

  it("tolerates a non-JSON body with a JSON content type, and flags bodies over the limit", async () => {
    const bad = await regent.client.check(checkRequest({ method: "POST", path: "/body", headers: { "content-type": "application/json" }, body: "{this is not json" }));
    expect(bad.status.code).toBe(0);
    expect(fromStruct(bad.dynamicMetadata)).toEqual({ body: null, truncated: false });
    const good = await regent.client.check(checkRequest({ method: "POST", path: "/body", headers: { "content-type": "application/json" }, body: '{"a":[1,2]}' }));
    expect(fromStruct(good.dynamicMetadata)).toEqual({ body: { a: [1, 2] }, truncated: false });
    const big = await regent.client.check(checkRequest({ method: "POST", path: "/body", headers: { "content-type": "application/json" }, body: JSON.stringify({ a: "x".repeat(5000) }) }));
    expect(fromStruct(big.dynamicMetadata)).toEqual({ body: null, truncated: true });
    const deep = await regent.client.check(checkRequest({ method: "POST", path: "/body", headers: { "content-type": "application/json" }, body: "[".repeat(2000) + "]".repeat(2000) }));
    expect([0, 7]).toContain(deep.status.code);
  });

  it("is still healthy after all that", async () => {
    expect((await regent.client.health()).status).toBe("SERVING");
    expect((await regent.admin("/health")).status).toBe(200);
    expect(regent.proc.exitCode).toBeNull();
  });
});

describe("regent serve: operations", () => {
  it("logs one JSON line per decision with the documented fields, and never the token", async () => {
    const token = await idp.token({ sub: "dora", tenant: "acme" });
    await regent.client.check(checkRequest({ path: "/allow/x", headers: { authorization: `Bearer ${token}`, traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", cookie: "s=1" } }));
    const line = await regent.waitFor((l) => l.msg === "decision" && l.subject === "dora");
    for (const k of ["decision_id", "time", "trace_id", "method", "path", "tenant", "subject", "result", "http_status", "bundle_revision", "eval_us"]) expect(line).toHaveProperty(k);
    expect(line.trace_id).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(JSON.stringify(regent.lines)).not.toContain(token);
    expect(JSON.stringify(line)).not.toContain("s=1");
  });

  it("serves /health?bundles and Prometheus metrics", async () => {
    const h = await regent.admin("/health?bundles");
    expect(h.status).toBe(200);
    expect(h.json().bundles).toMatchObject({ active_revision: "r1", origin: "source", activations: 1 });
    const m = (await regent.admin("/metrics")).body;
    expect(m).toMatch(/regent_decisions_total\{result="allow"\} \d+/);
    expect(m).toMatch(/regent_decision_duration_seconds_bucket/);
    expect(m).toMatch(/regent_bundle_info\{revision="r1"\} 1/);
    expect(m).toMatch(/regent_bundle_age_seconds \d/);
    expect(m).toMatch(/regent_jwt_failures_total\{reason="expired"\} \d+/);
    expect((await regent.admin("/nope")).status).toBe(404);
  });

  it("refuses an invalid configuration naming the key", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "server:\n  workers: 1\nidentity:\n  algorithms: [RS256, none]\n");
    const r = spawnSync(process.execPath, [BIN, "serve", "--config", bad], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('config_invalid_error: identity.algorithms[1]: "none" is never an allowed algorithm');
    const env = spawnSync(process.execPath, [BIN, "serve", "--print-config"], { encoding: "utf8", timeout: 30_000, env: { ...process.env, REGENT_SERVER__ADRR: "x" } });
    expect(env.status).toBe(2);
    expect(env.stderr).toContain("server.adrr: unknown key");
  });

  it("refuses to start with a verification key file that is missing or is no public key", () => {
    const missing = spawnSync(process.execPath, [BIN, "serve", "--bundle", join(dir, "b.tar.gz"), "--verification-key", join(dir, "no-such-key.pem")], { encoding: "utf8", timeout: 30_000 });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/cannot read bundle\.verification file .*no-such-key\.pem: ENOENT/);
    writeFileSync(join(dir, "not-a-key"), "s3cret");
    const secret = spawnSync(process.execPath, [BIN, "serve", "--bundle", join(dir, "b.tar.gz"), "--verification-key", join(dir, "not-a-key")], { encoding: "utf8", timeout: 30_000 });
    expect(secret.status).not.toBe(0);
    expect(secret.stderr).toMatch(/not a PEM, DER or JWK\/JWKS public key; an HMAC secret must be given as a secret/);
    const both = join(dir, "both.yaml");
    writeFileSync(both, `bundle:\n  verification:\n    key_file: ${join(dir, "not-a-key")}\n    secret_file: ${join(dir, "not-a-key")}\n`);
    const r = spawnSync(process.execPath, [BIN, "serve", "--config", both], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bundle\.verification\.secret_file: set one of key, key_file \(a public key\) or secret_file/);
  });

  it("drains and exits 0 on SIGTERM", async () => {
    const other = await startRegent(["--config", join(dir, "regent.yaml"), "--bundle", join(dir, "bundle.tar.gz")]);
    await other.waitReady();
    const inflight = Array.from({ length: 20 }, () => other.client.check(checkRequest({ path: "/bool" })));
    await new Promise((r) => setTimeout(r, 5));
    const code = other.stop("SIGTERM");
    const results = await Promise.allSettled(inflight);
    expect(await code).toBe(0);
    // Calls accepted before the signal are answered; later ones are refused by the transport, never half-answered.
    for (const r of results) if (r.status === "fulfilled") expect(r.value.status.code).toBe(0);
  });
});
