/**
 * `npm run bench`: runs the selected suites one after the other, prints a table and writes
 * bench/results/latest.json. A scenario whose piece is missing is reported as skipped, never faked.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RegentError } from "../src/errors.js";
import { parseArgs } from "./lib/args.js";
import { benchEnv, skipped, type ScenarioResult } from "./lib/result.js";
import { selector, type Suite } from "./lib/suite.js";
import { ensureRuntime } from "./lib/runtime.js";
import { renderTable } from "./lib/table.js";
import { BENCH_ERRORS } from "./errors.js";
import { SUITES } from "./suites/index.js";

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.list) {
    for (const s of SUITES) for (const n of s.scenarios) process.stdout.write(`${n}\n`);
    return 0;
  }
  const wants = selector(args.only);
  const chosen = SUITES.filter((s) => s.scenarios.some(wants));
  if (chosen.length === 0) {
    throw new RegentError(BENCH_ERRORS.selection, `--only ${args.only.join(",")} matches no scenario (see npm run bench -- --list)`);
  }
  const log = (m: string): void => void process.stderr.write(`[bench] ${m}\n`);
  log(`${args.quick ? "quick" : "full"} run; ${benchEnv().cores} cores, ${benchEnv().cpu}, node ${process.version}`);
  const built = ensureRuntime();
  if (built) log(built);
  const rows: ScenarioResult[] = [];
  let failed = 0;
  for (const suite of chosen) {
    const r = await runSuite(suite, wants, args.quick, log);
    rows.push(...r.rows);
    if (r.failed) failed++;
  }
  process.stdout.write(`${renderTable(rows)}\n`);
  const out = path.resolve(args.out);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), out)} (${rows.length} scenarios)`);
  // A missing piece is a skip (exit 0); a suite that broke is a failure the caller must see.
  return failed > 0 ? 1 : 0;
}

/** A suite that throws turns every selected scenario of it into a skipped row with the reason, and counts as failed. */
async function runSuite(
  suite: Suite,
  wants: (n: string) => boolean,
  quick: boolean,
  log: (m: string) => void,
): Promise<{ rows: ScenarioResult[]; failed: boolean }> {
  const names = suite.scenarios.filter(wants);
  log(`suite ${suite.name}: ${names.length} scenario(s)`);
  const t0 = Date.now();
  let groupFailed = false;
  const guard = async (group: readonly string[], fn: () => Promise<ScenarioResult[]>): Promise<ScenarioResult[]> => {
    try {
      return await fn();
    } catch (err) {
      groupFailed = true;
      const why = reason(err);
      log(`${group[0] ?? suite.name}...: failed: ${why}`);
      return group.filter(wants).map((n) => skipped(n, `failed: ${why}`));
    }
  };
  try {
    const markFailed = (why: string): void => {
      groupFailed = true;
      log(`${suite.name}: failed: ${why}`);
    };
    const rows = await suite.run({ quick, wants, log, guard, markFailed });
    const got = new Set(rows.map((r) => r.name));
    const missing = names.filter((n) => !got.has(n)).map((n) => skipped(n, "the suite produced no figure for it"));
    log(`suite ${suite.name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return { rows: [...rows.filter((r) => wants(r.name)), ...missing], failed: groupFailed };
  } catch (err) {
    const why = reason(err);
    log(`suite ${suite.name} failed: ${why}`);
    return { rows: names.map((n) => skipped(n, `suite failed: ${why}`)), failed: true };
  }
}

function reason(err: unknown): string {
  return err instanceof RegentError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof RegentError ? err.toString() : err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  },
);
