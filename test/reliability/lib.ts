/**
 * Shared pieces of the reliability suite: RSS and wasm-free process sampling from
 * /proc/<pid>/status, a bounded-concurrency driver for many Checks, a seeded PRNG (so every
 * fuzz run can be replayed), and a signed test bundle that allows or denies by path.
 */
import { readFileSync } from "node:fs";
import { buildBundle, compilePolicy } from "../authz/harness.js";

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** Runs `total` tasks with at most `concurrency` in flight; resolves with each task's result. */
export async function drive<T>(total: number, concurrency: number, task: (i: number) => Promise<T>, onEach?: (i: number, r: T) => void): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const r = await task(i);
      onEach?.(i, r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Allows `/ok/...`, denies everything else: a decision the tests can predict. */
export const PATH_POLICY = 'package envoy.authz\n\ndefault allow := false\n\nallow if input.parsed_path[0] == "ok"\n';

export async function pathBundle(revision: string): Promise<Uint8Array> {
  const wasm = await compilePolicy([{ path: "p.rego", source: PATH_POLICY }]);
  return buildBundle({ wasm, data: {}, revision });
}
