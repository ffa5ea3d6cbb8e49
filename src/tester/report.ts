/**
 * Renders test results as `opa test` does: failures with their `file:row:col` and a short
 * explanation, every test with its duration under -v, and the `PASS: n/N` summary; or JSON.
 */
import type { TestResult } from "./runner.js";

const RULE = "-".repeat(80);

export interface Summary {
  total: number;
  pass: number;
  fail: number;
  error: number;
  skip: number;
}

export function summarize(results: TestResult[]): Summary {
  const count = (s: TestResult["status"]) => results.filter((r) => r.status === s).length;
  return { total: results.length, pass: count("pass"), fail: count("fail"), error: count("error"), skip: count("skip") };
}

/** Go-style durations: 845µs, 1.203ms, 2.5s. */
export function formatDuration(ns: number): string {
  if (ns < 1_000_000) return `${Math.round(ns / 1000)}µs`;
  if (ns < 1_000_000_000) return `${(ns / 1e6).toFixed(3).replace(/\.?0+$/, "")}ms`;
  return `${(ns / 1e9).toFixed(3).replace(/\.?0+$/, "")}s`;
}

const label: Record<TestResult["status"], string> = { pass: "PASS", fail: "FAIL", error: "ERROR", skip: "SKIPPED" };

function line(r: TestResult): string {
  const where = `${r.location.file}:${r.location.row}:${r.location.col}`;
  const base = `${r.name}: ${label[r.status]} (${formatDuration(r.durationNs)})`;
  return r.status === "fail" || r.status === "error" ? `${where}: ${base}\n  ${r.reason}` : base;
}

export function summaryLines(s: Summary): string[] {
  const out: string[] = [];
  if (s.pass === s.total) return [`PASS: ${s.pass}/${s.total}`];
  if (s.pass > 0) out.push(`PASS: ${s.pass}/${s.total}`);
  if (s.fail > 0) out.push(`FAIL: ${s.fail}/${s.total}`);
  if (s.error > 0) out.push(`ERROR: ${s.error}/${s.total}`);
  if (s.skip > 0) out.push(`SKIPPED: ${s.skip}/${s.total}`);
  return out;
}

export function formatText(results: TestResult[], verbose: boolean): string {
  const out: string[] = [];
  const bad = results.filter((r) => r.status === "fail" || r.status === "error");
  if (bad.length > 0) {
    out.push("FAILURES", RULE);
    for (const r of bad) out.push(line(r), "");
  }
  if (verbose) {
    if (bad.length > 0) out.push("SUMMARY", RULE);
    let file = "";
    for (const r of results) {
      if (r.location.file !== file) {
        if (file !== "") out.push("");
        file = r.location.file;
        out.push(`${file}:`);
      }
      out.push(`${r.name}: ${label[r.status]} (${formatDuration(r.durationNs)})`);
    }
  }
  if (verbose || bad.length > 0) out.push(RULE);
  out.push(...summaryLines(summarize(results)));
  return out.join("\n") + "\n";
}

export function toJson(results: TestResult[]): { summary: Summary; tests: object[] } {
  return {
    summary: summarize(results),
    tests: results.map((r) => ({
      name: r.name,
      package: r.pkg,
      rule: r.rule,
      location: r.location,
      status: r.status,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      duration_ns: r.durationNs,
    })),
  };
}
