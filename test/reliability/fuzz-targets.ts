/**
 * The fuzz targets, each a generator of cases from a seeded PRNG plus an oracle: the Rego parser
 * (mutated reference policies and token soup: an AST or coded errors, never a crash), the
 * CheckRequest → input → decision path (random and mutated requests through the real codec and
 * handler under fail_mode: allow: every allow must be one the policy decided), and the bundle
 * reader (mutated archives: a bundle or a coded error; a verified bundle has the signed files).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { parseModule } from "../../src/rego/index.js";
import { RegentError, RegentErrors } from "../../src/errors.js";
import { createCheckHandler } from "../../src/authz/check.js";
import { compileAiExtractor } from "../../src/authz/ai.js";
import { DecisionLog } from "../../src/authz/log.js";
import { Metrics } from "../../src/authz/metrics.js";
import { instantiateBundle, PolicySlot } from "../../src/authz/policy.js";
import { loadProtos } from "../../src/authz/proto.js";
import { guardedSerializer } from "../../src/authz/server.js";
import { MemoryBudgetStore } from "../../src/budget/index.js";
import { resolveConfig } from "../../src/config/load.js";
import { parseBundleFiles, signBundle, writeBundle, bundleFiles } from "../../src/bundle/index.js";
import { readBundleLimited, type BundleLimits } from "../../src/bundle/limits.js";
import { gunzipLimited, writeTarGz } from "../../src/bundle/tar.js";
import { compilePolicy, ROOT } from "../authz/harness.js";
import { PATH_POLICY } from "./lib.js";

export interface Tally {
  cases: number;
  crashes: number;
  /** Allows the policy did not decide (CheckRequest target only). */
  undecidedAllows: number;
  /** The first few failures, to replay. */
  samples: string[];
}

export const newTally = (): Tally => ({ cases: 0, crashes: 0, undecidedAllows: 0, samples: [] });

const note = (t: Tally, what: string): void => {
  if (t.samples.length < 10) t.samples.push(what.length > 500 ? what.slice(0, 500) + "…" : what);
};

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: () => number, n: number): number => Math.floor(r() * n);

// ---------------------------------------------------------------- Rego parser

const REGO_TOKENS = [
  "package", "import", "default", "if", "contains", "some", "every", "in", "with", "as", "not", "else", "true", "false",
  "null", ":=", "=", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "|", "&", "{", "}", "[", "]", "(", ")",
  ",", ";", ".", ":", "\n", " ", "\t", "x", "input", "data", "p", "q", "_", '"s"', "`raw`", "1", "1.5e3", "-0", "#c\n",
  "# METADATA\n# title: t\n", '"\\u00e9"', '"\\x"', "0x1", "1e999", "future.keywords", "rego.v1",
];

export function regoSources(): string[] {
  const dirs = [join(ROOT, "policies", "regent"), join(ROOT, "policies", "envoy")];
  return dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".rego")).map((f) => readFileSync(join(d, f), "utf8")));
}

/** One fuzzed Rego source: a mutated reference policy (most cases) or a token soup. */
export function regoCase(r: () => number, corpus: string[]): string {
  if (r() < 0.2) {
    const n = 1 + int(r, 60);
    let s = "package p\n";
    for (let i = 0; i < n; i++) s += pick(r, REGO_TOKENS) + (r() < 0.5 ? " " : "");
    return s;
  }
  let s = pick(r, corpus);
  const edits = 1 + int(r, 8);
  for (let i = 0; i < edits; i++) {
    const at = int(r, s.length + 1);
    const k = r();
    if (k < 0.3) s = s.slice(0, at) + pick(r, REGO_TOKENS) + s.slice(at);
    else if (k < 0.55) s = s.slice(0, at) + s.slice(at + 1 + int(r, 20));
    else if (k < 0.7) s = s.slice(0, at) + String.fromCharCode(int(r, 0x3000)) + s.slice(at + 1);
    else if (k < 0.85) {
      const from = int(r, s.length);
      s = s.slice(0, at) + s.slice(from, from + int(r, 80)) + s.slice(at);
    } else s = s.slice(0, at) + "[".repeat(int(r, 3000)) + s.slice(at);
  }
  return s;
}

export function fuzzParser(t: Tally, r: () => number, corpus: string[], n: number): void {
  for (let i = 0; i < n; i++) {
    const src = regoCase(r, corpus);
    t.cases++;
    try {
      const res = parseModule(src, "fuzz.rego");
      if (!res.module && res.errors.length === 0) throw new Error("no module and no errors");
      for (const e of res.errors) if (!(e instanceof RegentError)) throw new Error(`uncoded error ${String(e)}`);
    } catch (err) {
      if (err instanceof RegentError || err instanceof RegentErrors) continue;
      t.crashes++;
      note(t, `parser: ${(err as Error)?.stack?.split("\n").slice(0, 3).join(" | ")} :: ${JSON.stringify(src)}`);
    }
  }
}

// ---------------------------------------------------------------- CheckRequest → input → decision

const codec = loadProtos().authorization.Check!;

export interface CheckTarget {
  check: (req: unknown) => Promise<{ status: { code: number } }>;
}

/** The real handler under fail_mode: allow with the path policy: only /ok/... may be allowed. */
export async function checkTarget(): Promise<CheckTarget> {
  const wasm = await compilePolicy([{ path: "p.rego", source: PATH_POLICY }]);
  const enc = new TextEncoder();
  const bundle = parseBundleFiles(
    new Map([
      [".manifest", enc.encode(JSON.stringify({ revision: "f1", wasm: [{ entrypoint: "envoy/authz/allow", module: "/policy.wasm" }] }))],
      ["policy.wasm", wasm],
    ]),
  );
  const config = resolveConfig({ fileText: "policy: {fail_mode: allow}\nlimits: {unauthenticated_body_bytes: 65536}\n" });
  const slot = new PolicySlot();
  slot.set(await instantiateBundle(bundle, "envoy/authz/allow"));
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const log = new DecisionLog(pino({ level: "info" }, sink), { enabled: true, level: "info", redactHeaders: [], mask: "*", includeHeaders: true });
  const check = createCheckHandler({ config, slot, budget: new MemoryBudgetStore(), ai: compileAiExtractor(config.ai), metrics: new Metrics(), log });
  return { check };
}

const SEGMENTS = ["ok", "no", "OK", "%6Fk", "o%6b", "", ".", "..", "%", "%zz", "ok%2F", "é", "\u0000", "a".repeat(300), "ok;x", "ok?x"];
const HEADER_VALUES = ["", "x", "Bearer ", "Bearer a.b.c", "Basic zzz", "\u00ff\u0100", "v".repeat(5000), "application/json", "application/x-www-form-urlencoded"];

function jsonish(r: () => number, depth: number): string {
  const k = r();
  if (depth > 0 && k < 0.3) return "[" + Array.from({ length: int(r, 4) }, () => jsonish(r, depth - 1)).join(",") + "]";
  if (depth > 0 && k < 0.6) return "{" + Array.from({ length: int(r, 4) }, (_, i) => `"k${i}":${jsonish(r, depth - 1)}`).join(",") + "}";
  return pick(r, ["1", "-0", "1e400", '"s"', "null", "true", '"\\ud800"', "{", "]", '"' + "x".repeat(int(r, 100)) + '"']);
}

/** One CheckRequest (object form) and the largest allow the oracle accepts: only a path under /ok. */
export function checkCase(r: () => number): { req: unknown; mayAllow: boolean; raw?: Buffer } {
  const k = r();
  if (k < 0.05) {
    // Raw bytes: random, or a valid request with bytes flipped.
    const base = Buffer.from(codec.requestSerialize(structuredCase(r).req));
    for (let i = 0; i < 1 + int(r, 6); i++) base[int(r, base.length)] = int(r, 256);
    return { req: undefined, mayAllow: true, raw: r() < 0.5 ? base : Buffer.from(Array.from({ length: int(r, 200) }, () => int(r, 256))) };
  }
  return structuredCase(r);
}

function structuredCase(r: () => number): { req: unknown; mayAllow: boolean } {
  const segs = Array.from({ length: int(r, 5) }, () => pick(r, SEGMENTS));
  const path = pick(r, ["/", "//", "", "///"]) + segs.join("/") + (r() < 0.3 ? "?" + pick(r, ["a=1&a=2", "%", "=&=", "x=" + "y".repeat(100)]) : "") + (r() < 0.1 ? "#frag" : "");
  const headers: Record<string, string> = {};
  const nh = int(r, r() < 0.05 ? 300 : 8);
  for (let i = 0; i < nh; i++) headers[pick(r, ["content-type", "authorization", "content-length", "x-envoy-auth-partial-body", `x-h${i}`])] = pick(r, HEADER_VALUES);
  let body: string | undefined;
  const b = r();
  if (b < 0.3) body = jsonish(r, 1 + int(r, 6));
  else if (b < 0.4) body = "[".repeat(int(r, 20_000)) + "]".repeat(int(r, 20_000));
  else if (b < 0.5) body = '{"a":'.repeat(int(r, 5000)) + "1" + "}".repeat(int(r, 5000));
  else if (b < 0.55) body = "a=1&b=" + "%".repeat(int(r, 50));
  if (body !== undefined && r() < 0.7) headers["content-type"] = pick(r, ["application/json", "application/x-www-form-urlencoded", "text/plain", "application/vnd.x+json"]);
  const http: Record<string, unknown> = { id: String(int(r, 1e6)), method: pick(r, ["GET", "POST", "", "\u0000"]), path, host: "h", headers };
  if (body !== undefined) {
    if (r() < 0.2) http.rawBody = Buffer.from(body);
    else http.body = body;
  }
  const attributes: Record<string, unknown> = { request: { http } };
  if (r() < 0.1) attributes.metadataContext = { filterMetadata: { f: structOf(r, int(r, 12)) } };
  if (r() < 0.05) attributes.source = { principal: pick(r, ["spiffe://x/y", "", "\u0000"]) };
  // The oracle: the path policy can only allow a path whose first segment decodes to "ok".
  const mayAllow = /^\/*(ok|%6[fF]k|o%6[bB]|%6[fF]%6[bB])(\/|$|\?|#)/.test(path);
  return { req: { attributes }, mayAllow };
}

function structOf(r: () => number, depth: number): unknown {
  const fields: Record<string, unknown> = {};
  fields.s = { stringValue: "v" };
  if (depth > 0) fields.n = { structValue: structOf(r, depth - 1) };
  if (depth > 0 && r() < 0.3) fields.l = { listValue: { values: [{ numberValue: 1 }, { structValue: structOf(r, depth - 1) }] } };
  return { fields };
}

export async function fuzzChecks(t: Tally, r: () => number, target: CheckTarget, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const c = checkCase(r);
    t.cases++;
    try {
      // As the server does: decode through the real codec (undecodable bytes become a refusal marker).
      const bytes = c.raw ?? Buffer.from(codec.requestSerialize(c.req));
      const res = await target.check(guardedDecode(bytes));
      if (res.status.code === 0 && !c.mayAllow) {
        t.undecidedAllows++;
        note(t, `allow without a decision: ${JSON.stringify(c.req).slice(0, 300)}`);
      }
    } catch (err) {
      t.crashes++;
      note(t, `check: ${(err as Error)?.stack?.split("\n").slice(0, 3).join(" | ")} :: ${JSON.stringify(c.req)?.slice(0, 300)}`);
    }
  }
}

/** The gRPC server's own decoding wrapper: undecodable bytes become a refusal marker, as in serving. */
const guardedDecode = guardedSerializer(loadProtos().authorization, 403).Check!.requestDeserialize as (b: Buffer) => unknown;

// ---------------------------------------------------------------- bundle reader

const MiB = 1024 * 1024;
export const FUZZ_LIMITS: BundleLimits = { downloadBytes: 4 * MiB, expandedBytes: 8 * MiB, fileBytes: 4 * MiB, files: 1000, maxJsonDepth: 64 };

export interface BundleCorpus {
  signed: Uint8Array;
  tar: Uint8Array;
  files: Map<string, Uint8Array>;
  verify: { key: string };
}

export async function bundleCorpus(): Promise<BundleCorpus> {
  const { generateKeyPair, exportPKCS8, exportSPKI } = await import("jose");
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const wasm = await compilePolicy([{ path: "p.rego", source: PATH_POLICY }]);
  const enc = new TextEncoder();
  const files = new Map([
    [".manifest", enc.encode(JSON.stringify({ revision: "f1", roots: [""], wasm: [{ entrypoint: "envoy/authz/allow", module: "/policy.wasm" }] }))],
    ["policy.wasm", wasm],
    ["data.json", enc.encode('{"a":{"b":[1,2,3]},"c":"d"}')],
    ["x/data.json", enc.encode('{"y":true}')],
  ]);
  const bundle = await signBundle(parseBundleFiles(files), { key: await exportPKCS8(privateKey), alg: "RS256" });
  const signed = await writeBundle(bundle);
  const tar = await gunzipLimited(signed, 64 * MiB);
  return { signed, tar, files: bundleFiles(bundle), verify: { key: await exportSPKI(publicKey) } };
}

export async function fuzzBundles(t: Tally, r: () => number, corpus: BundleCorpus, n: number): Promise<void> {
  const { gzipSync } = await import("node:zlib");
  for (let i = 0; i < n; i++) {
    t.cases++;
    let bytes: Uint8Array;
    const k = r();
    if (k < 0.4) {
      // Mutate the uncompressed tar (headers, sizes, names, content), then gzip it.
      const tar = Buffer.from(corpus.tar);
      for (let j = 0; j < 1 + int(r, 8); j++) {
        const at = r() < 0.5 ? int(r, 512) + 512 * int(r, Math.max(1, tar.length / 512)) : int(r, tar.length);
        tar[Math.min(at, tar.length - 1)] = r() < 0.5 ? int(r, 256) : pick(r, [0x30, 0x37, 0x00, 0x2e, 0x2f, 0x35, 0x32]);
      }
      bytes = gzipSync(r() < 0.1 ? tar.subarray(0, int(r, tar.length)) : tar);
    } else if (k < 0.8) {
      const gz = Buffer.from(corpus.signed);
      for (let j = 0; j < 1 + int(r, 4); j++) gz[int(r, gz.length)] = int(r, 256);
      bytes = r() < 0.1 ? gz.subarray(0, int(r, gz.length)) : gz;
    } else if (k < 0.9) {
      // Reordered or duplicated entries, rebuilt as a valid archive.
      const entries = [...corpus.files];
      if (r() < 0.5) entries.reverse();
      const m = new Map(entries);
      if (r() < 0.5) m.set(pick(r, ["extra.rego", "data.json", "y/data.json", "../x", "a//b"]), new TextEncoder().encode(jsonish(r, 4)));
      try {
        bytes = await writeTarGz(m);
      } catch {
        continue;
      }
    } else bytes = Uint8Array.from({ length: int(r, 4096) }, () => int(r, 256));
    const verify = r() < 0.5;
    try {
      const b = await readBundleLimited(bytes, FUZZ_LIMITS, verify ? corpus.verify : undefined);
      if (verify) {
        // A bundle read under verification must then verify, and hold only signed content.
        const { verifyBundle } = await import("../../src/bundle/index.js");
        const report = await verifyBundle(b, corpus.verify);
        if (report.ok) {
          for (const [name, data] of b.files) {
            const want = corpus.files.get(name);
            if (!want || (!name.endsWith(".json") && Buffer.compare(Buffer.from(want), Buffer.from(data)) !== 0)) {
              t.crashes++;
              note(t, `bundle: verified with content that was not signed: ${name}`);
            }
          }
        }
      }
    } catch (err) {
      if (err instanceof RegentError) continue;
      t.crashes++;
      note(t, `bundle: ${(err as Error)?.stack?.split("\n").slice(0, 3).join(" | ")}`);
    }
  }
}
