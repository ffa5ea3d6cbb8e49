/**
 * Shared fixtures for the sidecar's end-to-end tests: real bundles (compiled with regent's
 * compiler, signed with the bundle API), a real `node bin/regent.js serve` process, a real
 * grpc-js ext_authz client, and real RSA keys and JWTs from jose. Needs `npm run build` first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { compile } from "../../src/compiler/index.js";
import { parseBundleFiles, signBundle, writeBundle } from "../../src/bundle/index.js";
import { loadProtos } from "../../src/authz/proto.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = join(ROOT, "bin", "regent.js");

export function requireBuild(): void {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js")) || !existsSync(join(ROOT, "dist", "authz", "index.js")))
    throw new Error("dist/ is missing: run `npm run build` (npm test does it) before the sidecar's end-to-end tests");
}

export function tempDir(prefix = "regent-e2e-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const wasmCache = new Map<string, Uint8Array>();

export async function compilePolicy(modules: { path: string; source: string }[], entrypoint = "envoy/authz/allow"): Promise<Uint8Array> {
  const key = JSON.stringify(modules) + entrypoint;
  let wasm = wasmCache.get(key);
  if (!wasm) {
    wasm = (await compile({ modules, entrypoints: [entrypoint] })).wasm;
    wasmCache.set(key, wasm);
  }
  return wasm;
}

export interface BundleSpec {
  wasm: Uint8Array;
  data: unknown;
  revision: string;
  entrypoint?: string;
  signWith?: { key?: CryptoKey | string; secret?: string | Uint8Array; alg: string; keyId?: string };
}

export async function buildBundle(spec: BundleSpec): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const files = new Map<string, Uint8Array>([
    [".manifest", enc.encode(JSON.stringify({ revision: spec.revision, roots: [""], wasm: [{ entrypoint: spec.entrypoint ?? "envoy/authz/allow", module: "/policy.wasm" }] }))],
    ["policy.wasm", spec.wasm],
    ["data.json", enc.encode(JSON.stringify(spec.data))],
  ]);
  let bundle = parseBundleFiles(files);
  if (spec.signWith) {
    const { key, secret, alg, keyId } = spec.signWith;
    bundle = await signBundle(bundle, { key: key === undefined || typeof key === "string" ? key : await toPem(key), secret, alg, keyId });
  }
  return writeBundle(bundle);
}

async function toPem(key: CryptoKey): Promise<string> {
  const { exportPKCS8 } = await import("jose");
  return exportPKCS8(key);
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

export interface Regent {
  proc: ChildProcess;
  grpcAddr: string;
  adminAddr: string;
  lines: Record<string, unknown>[];
  stderr: string[];
  client: AuthzClient;
  admin(path: string): Promise<{ status: number; body: string; json: () => any }>;
  waitFor(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  waitReady(timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns `node bin/regent.js serve <args>` and waits for its "listening" log line. */
export async function startRegent(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<Regent> {
  requireBuild();
  const grpcPort = await freePort();
  const adminPort = await freePort();
  const hasAddr = args.includes("--addr");
  const full = ["serve", ...(hasAddr ? [] : ["--addr", `127.0.0.1:${grpcPort}`]), ...(args.includes("--admin-addr") ? [] : ["--admin-addr", `127.0.0.1:${adminPort}`]), ...args];
  const proc = spawn(process.execPath, [BIN, ...full], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  let buf = "";
  proc.stdout!.on("data", (chunk: Buffer) => {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ raw: line });
      }
      for (const l of listeners) l();
    }
  });
  proc.stderr!.on("data", (c: Buffer) => stderr.push(c.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => ((exitCode = code), r(code))));

  const waitFor = (pred: (l: Record<string, unknown>) => boolean, timeoutMs = 60_000): Promise<Record<string, unknown>> =>
    new Promise((resolveP, reject) => {
      const found = lines.find(pred);
      if (found) return resolveP(found);
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out waiting for a log line; stderr: ${stderr.join("")}; last lines: ${JSON.stringify(lines.slice(-5))}`));
      }, timeoutMs);
      const check = (): void => {
        const f = lines.find(pred);
        if (f) {
          clearTimeout(timer);
          listeners.delete(check);
          resolveP(f);
        }
      };
      listeners.add(check);
      void exited.then(() => {
        if (!lines.find(pred)) {
          clearTimeout(timer);
          listeners.delete(check);
          reject(new Error(`regent exited with ${exitCode}; stderr: ${stderr.join("")}`));
        }
      });
    });

  const up = await waitFor((l) => l.msg === "regent serve listening");
  const grpcAddr = hasAddr ? String(args[args.indexOf("--addr") + 1]) : String(up.grpc);
  const adminAddr = String(up.admin);
  const admin = async (path: string) => {
    const res = await fetch(`http://${adminAddr}${path}`);
    const body = await res.text();
    return { status: res.status, body, json: () => JSON.parse(body) };
  };
  const client = authzClient(grpcAddr);
  return {
    proc,
    grpcAddr,
    adminAddr,
    lines,
    stderr,
    client,
    admin,
    waitFor,
    async waitReady(timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const r = await admin("/health").catch(() => ({ status: 0 }));
        if (r.status === 200) return;
        if (Date.now() > until) throw new Error(`regent not ready after ${timeoutMs} ms; stderr: ${stderr.join("")}`);
        await sleep(50);
      }
    },
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      client.close();
      if (exitCode !== undefined) return exitCode;
      proc.kill(signal);
      const t = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

export interface AuthzClient {
  check(req: unknown, deadlineMs?: number): Promise<any>;
  health(service?: string): Promise<any>;
  close(): void;
}

export function authzClient(addr: string, creds = grpc.credentials.createInsecure(), options: grpc.ClientOptions = {}): AuthzClient {
  const root = loadProtos().root as any;
  const Authorization = root.envoy.service.auth.v3.Authorization as grpc.ServiceClientConstructor;
  const Health = root.grpc.health.v1.Health as grpc.ServiceClientConstructor;
  const c = new Authorization(addr, creds, options) as any;
  const h = new Health(addr, creds, options) as any;
  const call = (client: any, method: string, req: unknown, deadlineMs: number) =>
    new Promise((res, rej) => client[method](req, { deadline: Date.now() + deadlineMs }, (err: unknown, out: unknown) => (err ? rej(err) : res(out))));
  return {
    check: (req, deadlineMs = 10_000) => call(c, "Check", req, deadlineMs),
    health: (service = "") => call(h, "Check", { service }, 5_000),
    close: () => {
      c.close();
      h.close();
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A CheckRequest in proto-loader's object form. */
export function checkRequest(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string; principal?: string; extra?: Record<string, unknown> }) {
  return {
    attributes: {
      source: { address: { socketAddress: { address: "10.0.0.7", portValue: 40000 } }, ...(opts.principal ? { principal: opts.principal } : {}) },
      destination: { principal: "spiffe://cluster.local/ns/ai/sa/gateway" },
      request: {
        time: { seconds: String(Math.floor(Date.now() / 1000)), nanos: 0 },
        http: {
          id: "1",
          method: opts.method ?? "GET",
          path: opts.path,
          host: "ai.example.com",
          scheme: "https",
          protocol: "HTTP/1.1",
          headers: { ":method": opts.method ?? "GET", ":path": opts.path, ...(opts.headers ?? {}) },
          ...(opts.body !== undefined ? { body: opts.body, size: String(Buffer.byteLength(opts.body)) } : {}),
        },
      },
      ...(opts.extra ?? {}),
    },
  };
}

/** An RSA identity provider: keys, a JWKS file, and tokens. */
export class TestIdp {
  readonly issuer = "https://idp.example.com";
  readonly audience = "ai-gateway";
  keys = new Map<string, { privateKey: CryptoKey; publicKey: CryptoKey; jwk: JWK }>();

  static async create(kids = ["k1"]): Promise<TestIdp> {
    const idp = new TestIdp();
    for (const kid of kids) await idp.addKey(kid);
    return idp;
  }

  async addKey(kid: string): Promise<void> {
    const pair = await generateKeyPair("RS256", { extractable: true });
    this.keys.set(kid, { ...pair, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: "RS256", use: "sig" } });
  }

  jwks(kids = [...this.keys.keys()]): { keys: JWK[] } {
    return { keys: kids.map((k) => this.keys.get(k)!.jwk) };
  }

  writeJwks(path: string, kids?: string[]): void {
    writeFileSync(path, JSON.stringify(this.jwks(kids)));
  }

  async publicPem(kid = "k1"): Promise<string> {
    return exportSPKI(this.keys.get(kid)!.publicKey);
  }

  token(claims: Record<string, unknown>, opts: { kid?: string; expiresIn?: number; aud?: string; iss?: string } = {}): Promise<string> {
    const kid = opts.kid ?? "k1";
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: opts.iss ?? this.issuer, aud: opts.aud ?? this.audience, ...claims })
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .setIssuedAt(now - 10)
      .setExpirationTime(now + (opts.expiresIn ?? 3600))
      .sign(this.keys.get(kid)!.privateKey);
  }
}

/** google.protobuf.Struct (proto-loader form) → plain JSON. */
export function fromStruct(s: any): any {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s?.fields ?? {})) out[k] = fromValue(v);
  return out;
}

function fromValue(v: any): unknown {
  if ("stringValue" in v) return v.stringValue;
  if ("numberValue" in v) return v.numberValue;
  if ("boolValue" in v) return v.boolValue;
  if ("structValue" in v) return fromStruct(v.structValue);
  if ("listValue" in v) return (v.listValue.values ?? []).map(fromValue);
  return null;
}

export function headerMap(options: { header: { key: string; value: string } }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of options ?? []) out[o.header.key.toLowerCase()] = o.header.value;
  return out;
}
