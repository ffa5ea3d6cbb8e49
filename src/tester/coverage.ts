/**
 * `regent test --coverage`: compiles an instrumented copy of the policies (instrument.ts),
 * runs the same tests with a host table that records probes, and reports per file which
 * lines were covered and which were not. The instrumented run must give every test the same
 * outcome as the plain run; any difference is reported, never hidden.
 */
import { compile } from "../compiler/index.js";
import { hostBuiltins } from "../builtins/index.js";
import { loadPolicy } from "../evaluator/index.js";
import { instrument, PROBE_MARKER } from "./instrument.js";
import { runOne, type TestRun } from "./runner.js";

export interface FileCoverage {
  file: string;
  covered: number[];
  not_covered: number[];
  /** Percentage of coverable lines that were covered. */
  coverage: number;
}

export interface CoverageReport {
  files: FileCoverage[];
  covered_lines: number;
  not_covered_lines: number;
  coverage: number;
  /** Tests whose outcome differed in the instrumented run (should be empty). */
  mismatches: string[];
  method: string;
}

const METHOD = "instrumented build: a probe after every rule-body expression records that it was evaluated and succeeded";

const isTestFile = (file: string): boolean => file.endsWith("_test.rego");
const pct = (c: number, n: number): number => (n === 0 ? 100 : Math.round((c / n) * 10000) / 100);

export async function measureCoverage(sources: { path: string; source: string }[], data: Record<string, unknown>, baseline: TestRun): Promise<CoverageReport> {
  const inst = instrument(sources, baseline.modules, (f) => !isTestFile(f));
  const hits = new Set<number>();
  const original = hostBuiltins["json.marshal_with_options"];
  const builtins = {
    ...hostBuiltins,
    "json.marshal_with_options": (value: unknown, opts: unknown, ...rest: unknown[]) => {
      if (opts && typeof opts === "object" && (opts as Record<string, unknown>)[PROBE_MARKER] === true && Array.isArray(value)) {
        hits.add(value[0] as number);
        return "";
      }
      return original(value, opts, ...rest);
    },
  };
  const runnable = baseline.results.filter((r) => r.status !== "skip" && r.definitions === 1);
  const mismatches: string[] = [];
  if (runnable.length > 0) {
    const compiled = await compile({ modules: inst.sources, entrypoints: runnable.map((t) => t.entrypoint), annotatedEntrypoints: false });
    const policy = await loadPolicy(compiled.wasm, { builtins });
    policy.setData(data);
    for (const t of runnable) {
      const r = runOne(policy, t);
      if (r.status !== t.status) mismatches.push(`${t.name}: ${t.status} without probes, ${r.status} with probes`);
    }
  }
  const hitRows = new Map<string, Set<number>>();
  for (const id of hits) {
    const p = inst.probes[id];
    if (!p) continue;
    const set = hitRows.get(p.file) ?? new Set<number>();
    p.rows.forEach((r) => set.add(r));
    hitRows.set(p.file, set);
  }
  const files: FileCoverage[] = [...inst.coverable.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([file, rows]) => {
    const hit = hitRows.get(file) ?? new Set<number>();
    const covered = [...rows].filter((r) => hit.has(r)).sort((a, b) => a - b);
    const notCovered = [...rows].filter((r) => !hit.has(r)).sort((a, b) => a - b);
    return { file, covered, not_covered: notCovered, coverage: pct(covered.length, rows.size) };
  });
  const c = files.reduce((n, f) => n + f.covered.length, 0);
  const nc = files.reduce((n, f) => n + f.not_covered.length, 0);
  return { files, covered_lines: c, not_covered_lines: nc, coverage: pct(c, c + nc), mismatches, method: METHOD };
}

/** Compresses rows into ranges: 3-5, 9. */
export function ranges(rows: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1] === rows[j] + 1) j++;
    out.push(i === j ? `${rows[i]}` : `${rows[i]}-${rows[j]}`);
    i = j;
  }
  return out.join(", ");
}

export function formatCoverage(r: CoverageReport): string {
  const lines = ["COVERAGE", "-".repeat(80)];
  for (const f of r.files) {
    lines.push(`${f.file}: ${f.coverage}% (${f.covered.length}/${f.covered.length + f.not_covered.length} lines)`);
    if (f.not_covered.length > 0) lines.push(`  not covered: ${ranges(f.not_covered)}`);
  }
  lines.push("-".repeat(80), `total: ${r.coverage}% (${r.covered_lines}/${r.covered_lines + r.not_covered_lines} lines)`);
  for (const m of r.mismatches) lines.push(`warning: instrumented run differs: ${m}`);
  return lines.join("\n") + "\n";
}
