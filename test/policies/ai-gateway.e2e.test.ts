/**
 * The example AI-gateway bundle end to end: `regent build --bundle bundles/ai-gateway`, a real
 * `regent serve` on that bundle, and every CheckRequest in bundles/ai-gateway/examples/ sent over
 * grpc-js with a JWT signed by jose, checked against the example's expected outcome: status,
 * headers, the decision log's reason and, where the example names it, dynamic_metadata.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOADER_OPTIONS, protoIncludeDirs } from "../../src/authz/proto.js";
import { fromStruct } from "../authz/harness.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "bin", "regent.js");
const EXAMPLES = join(ROOT, "bundles", "ai-gateway", "examples");
const ISSUER = "https://idp.example.com";
const AUDIENCE = "ai-gateway";

interface Example {
  description: string;
  check_request: { attributes: Record<string, any> };
  token_claims: Record<string, unknown> | null;
  token_options?: { expires_in_seconds?: number };
  expect: {
    allowed: boolean;
    http_status: number;
    headers: Record<string, string>;
    header_names?: string[];
    /** A subset of the decision's dynamic_metadata. */
    metadata?: Record<string, unknown>;
    /** The logged reason of a 401 that is not about the token itself (e.g. step_up_required). */
    reason?: string;
  };
}

const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(join(EXAMPLES, f), "utf8")) as Example] as const);

let work: string;
let proc: ChildProcess | undefined;
let client: grpc.Client & Record<string, any>;
let statusNumbers: Map<string, number>;
let signingKey: CryptoKey;
const logs: string[] = [];

function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 120_000 });
}

/** Starts `regent serve` and resolves with its gRPC address once it logs that it listens. */
function serve(configFile: string): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, "serve", "--config", configFile], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    proc = child;
    let buf = "";
    const timer = setTimeout(() => rej(new Error(`regent serve did not start: ${logs.join("")}`)), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        logs.push(line + "\n");
        try {
          const j = JSON.parse(line);
          if (j.msg === "regent serve listening") {
            clearTimeout(timer);
            res(String(j.grpc));
          }
        } catch {
          // not a log line; kept in `logs` for the failure message
        }
      }
    });
    child.stderr!.on("data", (c: Buffer) => logs.push(c.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`regent serve exited with ${code}: ${logs.join("")}`));
    });
  });
}

async function waitForBundle(adminAddr: string): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const ok = await fetch(`http://${adminAddr}/health`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`regent serve never became ready: ${logs.join("")}`);
}

async function token(claims: Record<string, unknown>, options: Example["token_options"] = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + (options.expires_in_seconds ?? 600);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.min(now, exp - 60))
    .setExpirationTime(exp)
    .sign(signingKey);
}

/** The example is protojson; proto-loader wants a Timestamp as {seconds, nanos}. */
function toLoaderForm(req: Example["check_request"], bearer: string | undefined): unknown {
  const copy = JSON.parse(JSON.stringify(req));
  const time = copy.attributes?.request?.time;
  if (typeof time === "string") copy.attributes.request.time = { seconds: String(Math.floor(Date.parse(time) / 1000)), nanos: 0 };
  const headers = copy.attributes?.request?.http?.headers ?? {};
  for (const [k, v] of Object.entries(headers)) {
    if (typeof v === "string" && v.includes("{{token}}")) {
      if (bearer === undefined) delete headers[k];
      else headers[k] = v.replace("{{token}}", bearer);
    }
  }
  return copy;
}

function check(req: unknown): Promise<any> {
  return new Promise((res, rej) => client.Check(req, { deadline: Date.now() + 10_000 }, (err: Error | null, out: unknown) => (err ? rej(err) : res(out))));
}

/** The decision log line for a decision id; pino writes asynchronously, so wait a little. */
async function logLine(decisionId: string): Promise<Record<string, unknown>> {
  const until = Date.now() + 5_000;
  for (;;) {
    for (const l of logs) {
      if (!l.includes(decisionId)) continue;
      const j = JSON.parse(l) as Record<string, unknown>;
      if (j.decision_id === decisionId) return j;
    }
    if (Date.now() > until) throw new Error(`no decision log line for ${decisionId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function headerMap(options: { header: { key: string; value: string } }[] | undefined): Record<string, string> {
  return Object.fromEntries((options ?? []).map((o) => [o.header.key.toLowerCase(), o.header.value]));
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
  work = mkdtempSync(join(tmpdir(), "regent-ai-gateway-"));
  const bundle = join(work, "ai-gateway.tar.gz");
  await run(["build", "--bundle", "bundles/ai-gateway", "-o", bundle]);

  const pair = await generateKeyPair("RS256");
  signingKey = pair.privateKey;
  const jwks = join(work, "jwks.json");
  writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" }] }));
  const config = join(work, "regent.yaml");
  writeFileSync(
    config,
    [
      "server: {addr: '127.0.0.1:0', admin_addr: '127.0.0.1:0', workers: 1}",
      `bundle: {source: '${bundle}'}`,
      `identity: {jwks_file: '${jwks}', issuer: ['${ISSUER}'], audience: ['${AUDIENCE}'], algorithms: [RS256]}`,
      // Only initech has a budget: 100 tokens a day, less than its free plan reserves for a call.
      "budget: {scope: tenant, window_seconds: 86400, limits: {initech: 100}}",
      "decision_log: {level: info}",
      "",
    ].join("\n"),
  );
  const grpcAddr = await serve(config);
  const listening = logs.map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((j) => j.msg === "regent serve listening");
  await waitForBundle(String(listening.admin));

  const def = protoLoader.loadSync(["envoy/service/auth/v3/external_auth.proto"], { ...LOADER_OPTIONS, includeDirs: protoIncludeDirs() });
  const statusEnum = def["envoy.type.v3.StatusCode"] as unknown as { type: { value: { name: string; number: number }[] } };
  statusNumbers = new Map(statusEnum.type.value.map((v) => [v.name, v.number]));
  const root = grpc.loadPackageDefinition(def) as any;
  client = new root.envoy.service.auth.v3.Authorization(grpcAddr, grpc.credentials.createInsecure());
}, 120_000);

afterAll(async () => {
  client?.close();
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("bundles/ai-gateway examples through regent serve", () => {
  it("has examples for allow and for every kind of denial status", () => {
    const statuses = new Set(examples.map(([, e]) => e.expect.http_status));
    for (const s of [200, 400, 401, 402, 403, 413]) expect(statuses).toContain(s);
  });

  it.each(examples)("%s", async (_name, ex) => {
    const bearer = ex.token_claims ? await token(ex.token_claims, ex.token_options) : undefined;
    const res = await check(toLoaderForm(ex.check_request, bearer));
    const allowed = res.status.code === 0;
    expect(allowed, `${ex.description}\n${JSON.stringify(res)}`).toBe(ex.expect.allowed);
    if (ex.expect.metadata) expect(fromStruct(res.dynamicMetadata)).toMatchObject(ex.expect.metadata);
    if (allowed) {
      const headers = headerMap(res.okResponse?.headers);
      expect(headers).toMatchObject(ex.expect.headers);
      expect(headers["x-regent-decision-id"]).toMatch(/\S/);
      expect(res.okResponse.headersToRemove).toContain("authorization");
      expect((await logLine(headers["x-regent-decision-id"])).reason).toBe("allowed");
      return;
    }
    const headers = headerMap(res.deniedResponse?.headers);
    expect(statusNumbers.get(res.deniedResponse.status.code), JSON.stringify(res)).toBe(ex.expect.http_status);
    expect(headers).toMatchObject(ex.expect.headers);
    for (const name of ex.expect.header_names ?? []) expect(headers).toHaveProperty(name);
    // The reason is always in the decision log, even when the caller is not told.
    const logged = await logLine(headers["x-regent-decision-id"]);
    expect(logged).toMatchObject({ result: "deny", http_status: ex.expect.http_status });
    if (ex.expect.http_status === 401) {
      // Nothing about the rule reaches an unauthenticated caller.
      expect(headers).not.toHaveProperty("x-regent-reason");
      expect(JSON.parse(res.deniedResponse.body).error).toBe("unauthenticated");
      if (ex.expect.reason) expect(logged.reason).toBe(ex.expect.reason);
      else expect(logged.reason).toMatch(/^unauthenticated:(missing_token|expired)$/);
    } else {
      expect(JSON.parse(res.deniedResponse.body).error).toBe(ex.expect.headers["x-regent-reason"]);
      expect(logged.reason).toBe(ex.expect.headers["x-regent-reason"]);
    }
  });
});
