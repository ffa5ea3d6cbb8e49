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

/**
 * A .tar.gz built by streaming: each entry is `size` bytes of `fill` (zeros by default) or the
 * given bytes, so a 250 MiB entry or a gigabyte bomb costs only its compressed size in memory.
 */
export async function streamedTarGz(entries: { name: string; size?: number; bytes?: Uint8Array }[]): Promise<Uint8Array> {
  const tar = await import("tar-stream");
  const { createGzip } = await import("node:zlib");
  const pack = tar.pack();
  const gzip = createGzip({ level: 6 });
  const out: Buffer[] = [];
  gzip.on("data", (c: Buffer) => out.push(c));
  const finished = new Promise<void>((r, j) => (gzip.on("end", () => r()), gzip.on("error", j)));
  (pack as unknown as NodeJS.ReadableStream).pipe(gzip);
  const zeros = Buffer.alloc(1024 * 1024);
  for (const e of entries) {
    if (e.bytes) {
      await new Promise<void>((r, j) => pack.entry({ name: e.name, size: e.bytes!.length }, Buffer.from(e.bytes!), (err) => (err ? j(err) : r())));
      continue;
    }
    const size = e.size ?? 0;
    await new Promise<void>((resolve, reject) => {
      const w = pack.entry({ name: e.name, size }, (err) => (err ? reject(err) : resolve()));
      let left = size;
      const pump = (): void => {
        while (left > 0) {
          const n = Math.min(left, zeros.length);
          left -= n;
          if (!w.write(zeros.subarray(0, n))) return void w.once("drain", pump);
        }
        (w as unknown as { end(): void }).end();
      };
      pump();
    });
  }
  pack.finalize();
  await finished;
  return new Uint8Array(Buffer.concat(out));
}
