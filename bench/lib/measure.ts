/**
 * Timing primitives: benchmark.js for throughput and the per-cycle mean, and a dedicated
 * loop that times each call with process.hrtime.bigint() for p50/p99 (benchmark.js only gives cycle means).
 */
import Benchmark from "benchmark";
import { benchEnv, round, type ScenarioResult } from "./result.js";

export interface MeasureOptions {
  quick: boolean;
  /** Calls timed one by one for percentiles; defaults by mode. */
  timedCalls?: number;
  /** Stops the per-call loop early after this long (a slow call must not stretch the run); defaults by mode. */
  budgetMs?: number;
}

/** Consumes results so the JIT cannot drop a call whose value is unused. */
let sink: unknown;
export function consume(v: unknown): void {
  sink = v;
}
export function lastSink(): unknown {
  return sink;
}

/** Measures a synchronous call: benchmark.js cycles, then an hrtime loop for percentiles. */
export function measureSync(name: string, fn: () => unknown, opts: MeasureOptions): ScenarioResult {
  const bench = new Benchmark(name, () => consume(fn()), {
    maxTime: opts.quick ? 0.4 : 1.5,
    minSamples: opts.quick ? 5 : 20,
    initCount: 1,
  });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  const pct = percentilesSync(fn, opts.timedCalls ?? (opts.quick ? 5_000 : 50_000), opts.budgetMs ?? (opts.quick ? 2_000 : 6_000));
  const timed = pct.count;
  return {
    name,
    ops_per_sec: round(bench.hz, 0),
    mean_us: round(bench.stats.mean * 1e6, 3),
    p50_us: pct.p50,
    p99_us: pct.p99,
    samples: timed,
    env: benchEnv(),
    extra: { cycles: bench.stats.sample.length, rme_pct: round(bench.stats.rme, 2), p999_us: pct.p999 },
  };
}

export interface Percentiles {
  p50: number;
  p99: number;
  p999: number;
  mean: number;
  /** How many values the percentiles come from. */
  count: number;
}

/**
 * Times up to `n` calls individually after a short warm-up, stopping once `budgetMs` has passed
 * (never before 200 calls); returns percentiles in µs over the calls actually timed.
 */
export function percentilesSync(fn: () => unknown, n: number, budgetMs = Infinity): Percentiles {
  for (let i = 0; i < Math.min(1_000, n); i++) consume(fn());
  const ns = new Float64Array(n);
  const stopAt = process.hrtime.bigint() + BigInt(Math.min(budgetMs, 1e9) * 1e6);
  let i = 0;
  for (; i < n; i++) {
    const t0 = process.hrtime.bigint();
    consume(fn());
    const t1 = process.hrtime.bigint();
    ns[i] = Number(t1 - t0);
    if (i >= 200 && t1 > stopAt) {
      i++;
      break;
    }
  }
  return summarize(ns.subarray(0, i), 1e-3);
}

/** Times `n` awaited calls one by one (for async work such as a first JWT verification). */
export async function percentilesAsync(fn: () => Promise<unknown>, n: number, warmup = Math.min(50, n)): Promise<Percentiles> {
  for (let i = 0; i < warmup; i++) consume(await fn());
  const ns = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    consume(await fn());
    ns[i] = Number(process.hrtime.bigint() - t0);
  }
  return summarize(ns, 1e-3);
}

/** Builds a result row from an async percentile run (benchmark.js's deferred mode adds its own overhead). */
export async function measureAsync(name: string, fn: () => Promise<unknown>, n: number, warmup?: number): Promise<ScenarioResult> {
  const pct = await percentilesAsync(fn, n, warmup);
  return {
    name,
    // One call at a time, so throughput is the reciprocal of the mean.
    ops_per_sec: round(1e6 / pct.mean, 0),
    mean_us: pct.mean,
    p50_us: pct.p50,
    p99_us: pct.p99,
    samples: n,
    env: benchEnv(),
    extra: { p999_us: pct.p999 },
  };
}

/** Sorts a sample (in any unit) and returns percentiles scaled by `toUs`. */
export function summarize(values: Float64Array | number[], toUs: number): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => {
    if (sorted.length === 0) return NaN;
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return round(sorted[i]! * toUs, 3);
  };
  let sum = 0;
  for (const v of sorted) sum += v;
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), mean: round((sum / Math.max(1, sorted.length)) * toUs, 3), count: sorted.length };
}
