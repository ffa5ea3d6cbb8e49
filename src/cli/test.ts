/**
 * `regent test <paths...>`: runs every `test_*` rule through the production wasm path and
 * reports like `opa test`. Exit 0 when all pass, 2 on any failure, 1 on a compile error.
 * `--coverage` adds covered / not covered lines (see src/tester/coverage.ts for the method).
 */
import type { Command } from "commander";
import { RegentError, RegentErrors } from "../errors.js";
import { collectData, collectPath, type Collected } from "../bundle/build.js";
import { dataPathOf, insertData, parseDataFile } from "../bundle/data.js";
import { runTests } from "../tester/runner.js";
import { formatText, summarize, toJson } from "../tester/report.js";
import { measureCoverage, formatCoverage } from "../tester/coverage.js";
import { TESTER_ERROR_CODES, testerError } from "../tester/errors.js";
import { emit, errorResult, type CliResult } from "./verify.js";

export interface TestCliOptions {
  verbose?: boolean;
  run?: string;
  format?: string;
  coverage?: boolean;
  data?: string[];
  cwd?: string;
  failOnEmpty?: boolean;
}

/** Loads .rego files (tests included) and data files from the paths, `-d` data on top. */
async function loadInputs(paths: string[], options: TestCliOptions): Promise<{ sources: Collected["modules"]; data: Record<string, unknown> }> {
  const cwd = options.cwd ?? process.cwd();
  const into: Collected = { modules: [], data: [] };
  const data: Record<string, unknown> = {};
  try {
    for (const p of paths) await collectPath(p, cwd, into, true, false);
    for (const d of options.data ?? []) await collectData(d, cwd, into);
    for (const d of into.data) insertData(data, dataPathOf(d.path), parseDataFile(d.origin, d.bytes), d.origin);
  } catch (err) {
    if (err instanceof RegentError) throw testerError("input", err.message);
    throw err;
  }
  return { sources: into.modules, data };
}

function compileErrors(err: RegentErrors, json: boolean): CliResult {
  if (json) return { code: 1, stdout: JSON.stringify({ errors: err.errors.map((e) => e.toJSON()) }, null, 2) + "\n", stderr: "" };
  const n = err.errors.length;
  return { code: 1, stdout: "", stderr: `${n} error${n === 1 ? "" : "s"} occurred:\n${err.errors.map((e) => e.toString()).join("\n")}\n` };
}

export async function runTestCommand(paths: string[], options: TestCliOptions): Promise<CliResult> {
  const json = options.format === "json";
  try {
    if (options.format !== undefined && !["json", "text", "pretty"].includes(options.format)) {
      throw testerError("usage", `--format must be text or json, not "${options.format}"`);
    }
    if (paths.length === 0) throw testerError("usage", "give the paths of the policies and tests to run");
    let run: RegExp | undefined;
    if (options.run !== undefined) {
      try {
        run = new RegExp(options.run);
      } catch (err) {
        throw testerError("usage", `--run ${JSON.stringify(options.run)} is not a valid regular expression: ${(err as Error).message}`);
      }
    }
    const { sources, data } = await loadInputs(paths, options);
    const result = await runTests(sources, data, { run });
    const coverage = options.coverage ? await measureCoverage(sources, data, result) : undefined;
    const summary = summarize(result.results);
    const code = summary.fail + summary.error > 0 ? 2 : 0;
    if (json) {
      return { code, stdout: JSON.stringify({ ...toJson(result.results), ...(coverage ? { coverage } : {}) }, null, 2) + "\n", stderr: "" };
    }
    let stdout = formatText(result.results, options.verbose ?? false);
    if (coverage) stdout += "\n" + formatCoverage(coverage);
    return { code, stdout, stderr: "" };
  } catch (err) {
    if (err instanceof RegentErrors) return compileErrors(err, json);
    // No tests is a success, as for `opa test`, unless the caller asks for at least one.
    if (err instanceof RegentError && err.code === TESTER_ERROR_CODES.noTests && !options.failOnEmpty) {
      return { code: 0, stdout: json ? JSON.stringify(toJson([]), null, 2) + "\n" : "", stderr: `${err.message}\n` };
    }
    return errorResult(err, options.format);
  }
}

export function register(program: Command): void {
  program
    .command("test")
    .description("run the test_* rules of every package through the wasm path (like opa test)")
    .argument("<paths...>", "policy and test files or folders (data.json/data.yaml inside folders are loaded at their paths)")
    .option("-v, --verbose", "print every test with its duration")
    .option("-r, --run <regex>", "only run tests whose name (data.pkg.test_x) matches")
    .option("-d, --data <path>", "extra data file or folder, repeatable", (v: string, prev: string[] = []) => [...prev, v])
    .option("--format <format>", "text or json", "text")
    .option("-c, --coverage", "report covered and not covered lines per file")
    .option("--fail-on-empty", "exit 1 when no test rule is found (by default that is not an error)")
    .action(async (paths: string[], opts: TestCliOptions) => {
      emit(await runTestCommand(paths, opts));
    });
}
