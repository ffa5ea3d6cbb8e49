/**
 * Runs a bench script in a child Node process (with its own V8 flags) under a time limit and reads
 * back the JSON line it prints last. Used for Cedar and for load generators, which must not share our process.
 */
import { spawn } from "node:child_process";
import { RegentError } from "../../src/errors.js";
import { BENCH_ERRORS } from "../errors.js";
import { ROOT } from "./pieces.js";

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node [nodeFlags] --import tsx script args` in the repo root; kills it after `timeoutMs`. */
export function runTsChild(script: string, args: string[], nodeFlags: string[], timeoutMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", script, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new RegentError(BENCH_ERRORS.process, `could not start ${script}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The last non-empty stdout line parsed as JSON, or an error that quotes stderr. */
export function lastJsonLine<T>(run: ChildRun, what: string): T {
  const line = run.stdout.trim().split("\n").filter(Boolean).pop();
  if (run.code !== 0 || !line) {
    const why = run.signal ? `killed by ${run.signal}` : `exit code ${run.code}`;
    throw new RegentError(BENCH_ERRORS.process, `${what} failed (${why}): ${run.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new RegentError(BENCH_ERRORS.process, `${what} printed something that is not JSON: ${line.slice(0, 200)}`);
  }
}
