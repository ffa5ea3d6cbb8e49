/**
 * Renders a results file (default bench/results/latest.json) as a Markdown table, to quote the
 * latest figures in bench/README.md. Usage: node --import tsx bench/markdown.ts [file]
 */
import { readFileSync } from "node:fs";
import type { ScenarioResult } from "./lib/result.js";

const file = process.argv[2] ?? "bench/results/latest.json";
let rows: ScenarioResult[];
try {
  rows = JSON.parse(readFileSync(file, "utf8")) as ScenarioResult[];
} catch (err) {
  process.stderr.write(`bench/markdown: cannot read ${file}: ${(err as Error).message}\n`);
  process.exit(2);
}
const f = (v: number | null | undefined, d = 1): string => (v === null || v === undefined ? "" : v.toLocaleString("en-US", { maximumFractionDigits: d }));
const env = rows[0]?.env;
if (env) process.stdout.write(`Measured ${env.date.slice(0, 16).replace("T", " ")} UTC on ${env.cpu}, ${env.cores} cores, Node ${env.node}.\n\n`);
process.stdout.write("| scenario | ops/s | mean µs | p50 µs | p99 µs | ratio | notes |\n|---|--:|--:|--:|--:|---|---|\n");
for (const r of rows) {
  const ratio = r.ratio_to ? `${r.ratio_to.ratio}× ${r.ratio_to.name.split("/").pop()}` : "";
  const keep = ["p999_us", "rps", "rss_mb", "bytes", "kb", "cold_ms", "pages_after", "bounded", "input_bytes", "allowed", "errors", "target", "target_met"];
  const notes = r.skipped
    ? `skipped: ${r.skipped}`
    : Object.entries(r.extra ?? {})
        .filter(([k]) => keep.includes(k))
        .map(([k, v]) => `${k}=${typeof v === "number" ? f(v) : v}`)
        .join(", ");
  process.stdout.write(`| ${r.name} | ${f(r.ops_per_sec, 0)} | ${f(r.mean_us, 2)} | ${f(r.p50_us, 2)} | ${f(r.p99_us, 2)} | ${ratio} | ${notes} |\n`);
}
