/**
 * Finds or installs h2load (Debian's nghttp2-client) and runs it with gRPC framing against a Check
 * endpoint; parses its summary. h2load is C, so on 2 cores it measures the server rather than itself.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { RegentError } from "../../src/errors.js";
import { BENCH_ERRORS } from "../errors.js";
import { CHECK_PATH } from "../lib/proto.js";

export type H2loadAvailability = { ok: true; bin: string } | { ok: false; why: string };

function which(bin: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** h2load if present; else apt-get installs nghttp2-client, only as root with apt available. */
export function ensureH2load(log: (m: string) => void): H2loadAvailability {
  const found = which("h2load");
  if (found) return { ok: true, bin: found };
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) return { ok: false, why: "h2load is not installed and we are not root to apt-get install nghttp2-client" };
  if (!which("apt-get")) return { ok: false, why: "h2load is not installed and apt-get is not available" };
  log("installing nghttp2-client (h2load) with apt-get");
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["install", "-y", "-q", "nghttp2-client"], { stdio: "ignore", env, timeout: 180_000 });
  } catch {
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
      execFileSync("apt-get", ["update", "-q"], { stdio: "ignore", env, timeout: 180_000 });
      execFileSync("apt-get", ["install", "-y", "-q", "nghttp2-client"], { stdio: "ignore", env, timeout: 180_000 });
    } catch (err) {
      return { ok: false, why: `apt-get install nghttp2-client failed: ${(err as Error).message.split("\n")[0]}` };
    }
  }
  const bin = which("h2load");
  return bin ? { ok: true, bin } : { ok: false, why: "nghttp2-client installed but h2load is still not on PATH" };
}

export interface H2loadResult {
  rps: number;
  succeeded: number;
  failed: number;
  errored: number;
  status2xx: number;
  mean_us: number;
  max_us: number;
  seconds: number;
}

/**
 * `concurrency` streams in flight on one connection, as Envoy multiplexes ext_authz calls, for a
 * fixed time (after a warm-up) so a slow server bounds the run's length, not its request count.
 */
export function runH2load(bin: string, port: number, bodyFile: string, concurrency: number, seconds: number, timeoutMs: number): Promise<H2loadResult> {
  const args = [
    "-D", String(seconds), "--warm-up-time", "1", "-c", "1", "-m", String(concurrency), "-t", "1",
    "-H", "content-type: application/grpc", "-H", "te: trailers",
    "-d", bodyFile, `http://127.0.0.1:${port}${CHECK_PATH}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new RegentError(BENCH_ERRORS.process, `h2load could not start: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(parseH2load(out));
      } catch (err) {
        reject(new RegentError(BENCH_ERRORS.process, `h2load ${signal ? `killed by ${signal}` : `exited ${code}`}: ${(err as Error).message}`));
      }
    });
  });
}

/** Reads h2load's summary ("finished in ..., N req/s", "requests: ...", "status codes: ...", "time for request: ..."). */
export function parseH2load(out: string): H2loadResult {
  const fin = /finished in ([\d.]+)(m?s), ([\d.]+) req\/s/.exec(out);
  const req = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(out);
  const codes = /status codes: (\d+) 2xx/.exec(out);
  const tfr = /time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)/.exec(out);
  if (!fin || !req || !codes || !tfr) throw new Error(`unexpected output: ${out.trim().split("\n").slice(-4).join(" | ")}`);
  const us = (v: string, unit: string): number => Number(v) * (unit === "s" ? 1e6 : unit === "ms" ? 1e3 : 1);
  return {
    seconds: Number(fin[1]) / (fin[2] === "ms" ? 1000 : 1),
    rps: Number(fin[3]),
    succeeded: Number(req[4]),
    failed: Number(req[5]),
    errored: Number(req[6]),
    status2xx: Number(codes[1]),
    max_us: us(tfr[3]!, tfr[4]!),
    mean_us: us(tfr[5]!, tfr[6]!),
  };
}
