/**
 * Tallies stage results per folder and renders them: a text table for people, and a JSON
 * object whose shape other tools rely on (keep it stable):
 * {"total","passed","failed","skipped","folders":{name:{"total","passed","failed","skipped"}},
 *  "failures":[{"folder","file","note","reason"}]}.
 */
import type { Case } from "./corpus.js";
import type { StageResult } from "./stages.js";

export interface Counts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

export interface Failure {
  folder: string;
  file: string;
  note: string;
  reason: string;
}

export interface Summary extends Counts {
  folders: Record<string, Counts>;
  failures: Failure[];
}

/** What the text report adds beyond the JSON: the skipped cases and their reasons. */
export interface Skipped {
  folder: string;
  note: string;
  reason: string;
}

const zero = (): Counts => ({ total: 0, passed: 0, failed: 0, skipped: 0 });

export function summarize(results: { c: Case; r: StageResult }[]): { summary: Summary; skipped: Skipped[] } {
  const summary: Summary = { ...zero(), folders: {}, failures: [] };
  const skipped: Skipped[] = [];
  for (const { c, r } of results) {
    const f = (summary.folders[c.folder] ??= zero());
    summary.total++;
    f.total++;
    if (r.status === "pass") {
      summary.passed++;
      f.passed++;
    } else if (r.status === "skip") {
      summary.skipped++;
      f.skipped++;
      skipped.push({ folder: c.folder, note: c.note, reason: r.reason ?? "" });
    } else {
      summary.failed++;
      f.failed++;
      summary.failures.push({ folder: c.folder, file: c.file, note: c.note, reason: r.reason ?? "" });
    }
  }
  return { summary, skipped };
}

/** Passed cases as a percentage of the cases not skipped (100 when nothing ran). */
export function passRate(s: Counts): number {
  const ran = s.total - s.skipped;
  return ran === 0 ? 100 : (100 * s.passed) / ran;
}

/** Exactly the documented JSON shape, keys in the documented order. */
export function toJson(s: Summary): string {
  const folders: Record<string, Counts> = {};
  for (const name of Object.keys(s.folders).sort()) {
    const f = s.folders[name];
    folders[name] = { total: f.total, passed: f.passed, failed: f.failed, skipped: f.skipped };
  }
  return JSON.stringify({
    total: s.total,
    passed: s.passed,
    failed: s.failed,
    skipped: s.skipped,
    folders,
    failures: s.failures.map((f) => ({ folder: f.folder, file: f.file, note: f.note, reason: f.reason })),
  });
}

export function toText(stage: string, s: Summary, skipped: Skipped[]): string {
  const names = Object.keys(s.folders).sort();
  const width = Math.max(6, ...names.map((n) => n.length));
  const row = (name: string, c: Counts) =>
    `${name.padEnd(width)}  ${String(c.total).padStart(6)}  ${String(c.passed).padStart(6)}  ${String(c.failed).padStart(6)}  ${String(c.skipped).padStart(7)}`;
  const lines = [`stage: ${stage}`, "", `${"folder".padEnd(width)}   total  passed  failed  skipped`];
  for (const n of names) lines.push(row(n, s.folders[n]));
  lines.push(row("TOTAL", s));
  lines.push("", `pass rate: ${passRate(s).toFixed(2)}% of ${s.total - s.skipped} cases run`);
  if (skipped.length) {
    lines.push("", "skipped:");
    for (const k of skipped) lines.push(`  ${k.folder}: ${k.note}: ${k.reason}`);
  }
  if (s.failures.length) {
    lines.push("", "failures:");
    for (const f of s.failures) lines.push(`  ${f.folder}: ${f.note} (${f.file})`, `    ${f.reason}`);
  }
  return lines.join("\n") + "\n";
}
