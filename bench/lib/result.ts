/**
 * The shape of one row of bench/results/latest.json, and helpers to build measured,
 * derived and skipped rows. A skipped row keeps every key (figures null) so readers need no special case.
 */
import os from "node:os";

export interface BenchEnv {
  node: string;
  cpu: string;
  cores: number;
  date: string;
}

export interface RatioTo {
  /** The scenario this one is compared with (its limit or its peer). */
  name: string;
  /** this.mean / that.mean for timings; this.rps / that.rps for throughput (see `basis`). */
  ratio: number;
  basis: "mean_us" | "p50_us" | "rps" | "value";
}

export interface ScenarioResult {
  name: string;
  ops_per_sec: number | null;
  mean_us: number | null;
  p50_us: number | null;
  p99_us: number | null;
  /** Calls timed one by one with process.hrtime.bigint() (the percentiles' basis). */
  samples: number;
  ratio_to?: RatioTo;
  env: BenchEnv;
  /** Scenario-specific figures (rps, p999_us, rss_mb, pages, bytes, target verdicts...). */
  extra?: Record<string, number | string | boolean | null>;
  /** Present only when the scenario could not run; says why. */
  skipped?: string;
}

export function benchEnv(): BenchEnv {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    date: new Date().toISOString(),
  };
}

export function skipped(name: string, why: string): ScenarioResult {
  return { name, ops_per_sec: null, mean_us: null, p50_us: null, p99_us: null, samples: 0, env: benchEnv(), skipped: why };
}

/** Attaches a ratio to `row` against `base` on the given basis; leaves it untouched if either figure is missing. */
export function withRatio(row: ScenarioResult, base: ScenarioResult, basis: RatioTo["basis"] = "mean_us"): ScenarioResult {
  const a = figure(row, basis);
  const b = figure(base, basis);
  if (a === null || b === null || b === 0 || row.skipped || base.skipped) return row;
  return { ...row, ratio_to: { name: base.name, ratio: round(a / b, 3), basis } };
}

function figure(row: ScenarioResult, basis: RatioTo["basis"]): number | null {
  if (basis === "rps" || basis === "value") {
    const v = row.extra?.[basis === "rps" ? "rps" : "value"];
    return typeof v === "number" ? v : null;
  }
  return row[basis];
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
