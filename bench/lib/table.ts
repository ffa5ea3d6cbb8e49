/**
 * Renders result rows as a fixed-width text table for the terminal and the README.
 */
import type { ScenarioResult } from "./result.js";

const COLS = ["scenario", "ops/s", "mean µs", "p50 µs", "p99 µs", "samples", "ratio", "notes"] as const;

export function renderTable(rows: ScenarioResult[]): string {
  const body = rows.map((r) => [
    r.name,
    fmt(r.ops_per_sec, 0),
    fmt(r.mean_us),
    fmt(r.p50_us),
    fmt(r.p99_us),
    r.samples ? String(r.samples) : "",
    r.ratio_to ? `${r.ratio_to.ratio}× ${short(r.ratio_to.name)} (${r.ratio_to.basis})` : "",
    r.skipped ? clip(`skipped: ${r.skipped}`) : notes(r),
  ]);
  const widths = COLS.map((c, i) => Math.max(c.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 || i >= 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return [line(COLS), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

function fmt(v: number | null, digits = 2): string {
  if (v === null || Number.isNaN(v)) return "";
  return v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** The JSON keeps the whole reason; the terminal gets its start. */
function clip(s: string, max = 160): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function short(name: string): string {
  return name.split("/").slice(-1)[0] ?? name;
}

function notes(r: ScenarioResult): string {
  if (!r.extra) return "";
  const skip = new Set(["cycles", "rme_pct"]);
  return Object.entries(r.extra)
    .filter(([k, v]) => !skip.has(k) && v !== null)
    .map(([k, v]) => `${k}=${typeof v === "number" ? fmt(v) : v}`)
    .join(" ");
}
