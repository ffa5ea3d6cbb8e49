/**
 * Refusals and failing safely, through the real Check handler, proto codec and gRPC server:
 * a request over a limit (deep body, long path, many headers, deep or malformed act chain, a
 * huge token, undecodable bytes) is denied with its reason in every fail mode, never allowed.
 */
import { afterAll, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { join } from "node:path";
import pino from "pino";
import * as grpc from "@grpc/grpc-js";
import { CompactSign } from "jose";
import { createCheckHandler } from "../../src/authz/check.js";
import { compileAiExtractor } from "../../src/authz/ai.js";
import { DecisionLog } from "../../src/authz/log.js";
import { Metrics } from "../../src/authz/metrics.js";
import { instantiateBundle, PolicySlot } from "../../src/authz/policy.js";
import { loadProtos } from "../../src/authz/proto.js";
import { AuthzServer } from "../../src/authz/server.js";
import { parseBundleFiles } from "../../src/bundle/index.js";
import { MemoryBudgetStore } from "../../src/budget/index.js";
import { resolveConfig } from "../../src/config/load.js";
import { JwksKeySource, TokenVerifier } from "../../src/identity/index.js";
import { TestIdp, checkRequest, compilePolicy, tempDir } from "./harness.js";

const codec = loadProtos().authorization.Check!;
const wire = (req: unknown) => codec.requestDeserialize(codec.requestSerialize(req));

async function policyOf(source: string) {
  const wasm = await compilePolicy([{ path: "p.rego", source }]);
  const enc = new TextEncoder();
  const bundle = parseBundleFiles(
    new Map([
      [".manifest", enc.encode(JSON.stringify({ revision: "t1", wasm: [{ entrypoint: "envoy/authz/allow", module: "/policy.wasm" }] }))],
      ["policy.wasm", wasm],
    ]),
  );
  return instantiateBundle(bundle, "envoy/authz/allow");
}

const idp = await TestIdp.create();
const jwksFile = join(tempDir(), "jwks.json");
idp.writeJwks(jwksFile);

// Allows anything that reaches it: every deny below comes from the sidecar, not the policy.
const ALLOW_ALL = "package envoy.authz\n\nallow := true\n";

async function handler(yaml = "policy: {fail_mode: allow}", source = ALLOW_ALL) {
  const lines: any[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(JSON.parse(chunk.toString())), cb()) });
  const config = resolveConfig({ fileText: yaml });
  const slot = new PolicySlot();
  slot.set(await policyOf(source));
  const metrics = new Metrics();
  const log = new DecisionLog(pino({ level: "info" }, sink), { enabled: true, level: "info", redactHeaders: [], mask: "*", includeHeaders: false });
  const keys = new JwksKeySource({ file: jwksFile, cacheSeconds: 600, minRefreshSeconds: 0 });
  const verifier = new TokenVerifier({ keys, issuer: [], audience: [], algorithms: ["RS256"], clockToleranceSeconds: 0, cacheSize: 100, maxJsonDepth: config.limits.max_json_depth });
  const check = createCheckHandler({ config, slot, verifier, budget: new MemoryBudgetStore(), ai: compileAiExtractor(config.ai), metrics, log });
  return { check: (req: unknown) => check(wire(req)), raw: check, lines, metrics };
}

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const jsonPost = (body: string, headers: Record<string, string> = {}) =>
  checkRequest({ method: "POST", path: "/v1/chat", headers: { "content-type": "application/json", ...headers }, body });

describe("failing safely", () => {
  it("denies the 3,000-deep JSON body under fail_mode: allow, naming the limit", async () => {
    const h = await handler();
    const r = await h.check(jsonPost(nested(3000)));
    expect(r).toMatchObject({ status: { code: 7 }, deniedResponse: { status: { code: 400 }, body: '{"error":"body_too_deep"}' } });
    expect(h.lines[0]).toMatchObject({ result: "deny", reason: "body_too_deep", refusal: expect.stringMatching(/^authz_request_limit_error: .*limits\.max_json_depth/) });
    expect(await h.metrics.registry.getSingleMetricAsString("regent_request_refusals_total")).toMatch(/limit="body_too_deep"} 1/);
  });

  it("survives a 5,000-deep body and a 100,000-deep one without a stack overflow", async () => {
    const h = await handler("policy: {fail_mode: allow, max_body_bytes: 1048576}\nlimits: {unauthenticated_body_bytes: 1048576}");
    for (const depth of [5000, 100_000]) {
      const body = '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
      expect((await h.check(jsonPost(body, { "content-length": String(body.length) }))).status.code).toBe(7);
    }
    // At the limit the module still parses and decides.
    expect((await h.check(jsonPost(nested(64)))).status.code).toBe(0);
    // Depth inside strings does not count.
    expect((await h.check(jsonPost(JSON.stringify({ s: "[".repeat(5000) })))).status.code).toBe(0);
  });

  it("denies an evaluation error in every fail mode", async () => {
    const h = await handler("policy: {fail_mode: allow}", 'package envoy.authz\n\nallow := 1 if input.parsed_path[0] == "x"\n\nallow := 2 if input.parsed_path[0] == "x"\n');
    const r = await h.check(checkRequest({ path: "/x" }));
    expect(r.status.code).toBe(7);
    expect(h.lines[0].error).toMatch(/evaluation error/);
  });

  it("denies an undefined decision under fail_mode: allow", async () => {
    const h = await handler("policy: {fail_mode: allow}", 'package envoy.authz\n\nallow if input.parsed_path[0] == "never"\n');
    expect((await h.check(checkRequest({ path: "/x" }))).status.code).toBe(7);
  });

  it("refuses a long path, too many headers and too many header bytes", async () => {
    const h = await handler("policy: {fail_mode: allow}\nlimits: {max_headers: 10, max_header_bytes: 2048, max_path_bytes: 1024}");
    const long = await h.check(checkRequest({ path: "/" + "a".repeat(60_000) }));
    expect(long.deniedResponse!.status.code).toBe(414);
    const many: Record<string, string> = {};
    for (let i = 0; i < 20; i++) many[`x-h${i}`] = "v";
    expect((await h.check(checkRequest({ path: "/x", headers: many }))).deniedResponse!.status.code).toBe(431);
    expect((await h.check(checkRequest({ path: "/x", headers: { "x-big": "v".repeat(4096) } }))).deniedResponse!.status.code).toBe(431);
    expect((await h.check(checkRequest({ path: "/x" }))).status.code).toBe(0);
    // The log keeps a bounded piece of a refused path.
    expect(String(h.lines[0].path).length).toBeLessThanOrEqual(1025);
  });

  it("decides an unauthenticated request from a bounded input: its large body is not parsed", async () => {
    const h = await handler("policy: {fail_mode: deny}\nlimits: {unauthenticated_body_bytes: 1024}", "package envoy.authz\n\nallow if input.parsed_body.x == 1\n");
    const big = JSON.stringify({ x: 1, pad: "p".repeat(4000) });
    expect((await h.check(jsonPost(big))).status.code).toBe(7);
    const token = await idp.token({ sub: "alice" });
    expect((await h.check(jsonPost(big, { authorization: `Bearer ${token}` }))).status.code).toBe(0);
    expect((await h.check(jsonPost(JSON.stringify({ x: 1 })))).status.code).toBe(0);
  });

  it("refuses a token over limits.max_token_bytes without verifying it", async () => {
    const h = await handler("policy: {fail_mode: allow}\nlimits: {max_token_bytes: 1024}", "package envoy.authz\n\nallow if input.identity.authenticated\n");
    const r = await h.check(checkRequest({ path: "/x", headers: { authorization: `Bearer ${"a".repeat(60_000)}` } }));
    expect(r.status.code).toBe(7);
    expect(h.lines[0].auth_reason).toBe("token_too_large");
  });

  it("a 5,000-deep act chain is refused as claims_too_deep; a 20-deep or string act is flagged", async () => {
    const h = await handler("policy: {fail_mode: allow}\nlimits: {max_header_bytes: 1048576, max_token_bytes: 1048576}", "package envoy.authz\n\nallow := {\"allowed\": false, \"body\": json.marshal(object.remove(input.identity, [\"claims\"]))}\n");
    // As JSON text: a 5,000-deep object overflows JSON.stringify itself, so the chain is spelled out.
    const chain = (depth: number) => '{"sub":"svc","act":'.repeat(depth - 1) + '{"sub":"svc"}' + "}".repeat(depth - 1);
    const k = idp.keys.get("k1")!.privateKey;
    const signed = (claims: Record<string, unknown> | string) => {
      const now = Math.floor(Date.now() / 1000);
      const head = `{"sub":"alice","iat":${now},"exp":${now + 3600}`;
      const text = typeof claims === "string" ? `${head},"act":${claims}}` : JSON.stringify({ ...JSON.parse(head + "}"), ...claims });
      return new CompactSign(new TextEncoder().encode(text)).setProtectedHeader({ alg: "RS256", kid: "k1" }).sign(k);
    };
    const identityOf = async (claims: Record<string, unknown> | string) => {
      const r = await h.check(checkRequest({ path: "/x", headers: { authorization: `Bearer ${await signed(claims)}` } }));
      return JSON.parse(r.deniedResponse!.body!);
    };
    expect(await identityOf(chain(5000))).toMatchObject({ authenticated: false, reason: "claims_too_deep" });
    const deep = await identityOf(chain(20));
    expect(deep).toMatchObject({ authenticated: true, delegated: true, delegation_error: "act_too_deep" });
    expect(deep.actors).toHaveLength(16);
    expect(await identityOf({ act: "svc-rag" })).toMatchObject({ authenticated: true, delegated: true, delegation_error: "act_malformed", actors: [] });
    expect(await identityOf({ act: [{ sub: "svc-rag" }] })).toMatchObject({ delegation_error: "act_malformed" });
    const ok = await identityOf(chain(3));
    expect(ok.delegation_error).toBeUndefined();
    expect(ok.actors).toHaveLength(3);
  });
});

describe("an undecodable CheckRequest", () => {
  const servers: AuthzServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.shutdown(100);
  });

  it("gets a decision (the configured denial), not gRPC INTERNAL, in every fail mode", async () => {
    const h = await handler("policy: {fail_mode: allow}");
    const server = new AuthzServer({ addr: "127.0.0.1:0", tls: { require_client_cert: false }, check: h.raw, failStatus: 403 });
    servers.push(server);
    const addr = await server.start();
    const client = new grpc.Client(addr, grpc.credentials.createInsecure());
    const call = (bytes: Buffer) =>
      new Promise<any>((resolve, reject) =>
        client.makeUnaryRequest(
          "/envoy.service.auth.v3.Authorization/Check",
          (b: Buffer) => b,
          (b: Buffer) => codec.responseDeserialize(b),
          bytes,
          (err, res) => (err ? reject(err) : resolve(res)),
        ),
      );
    // Field 1 (attributes) as a length-delimited record that claims more bytes than follow.
    const r = await call(Buffer.from([0x0a, 0xff, 0xff, 0x03, 0x01]));
    expect(r).toMatchObject({ status: { code: 7 }, deniedResponse: { status: { code: "BadRequest" } } });
    expect(h.lines.at(-1)).toMatchObject({ reason: "undecodable_request", refusal: expect.stringMatching(/^authz_request_invalid_error/) });
    client.close();
  });
});
