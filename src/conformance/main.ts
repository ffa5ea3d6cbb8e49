/**
 * `npm run conformance -- [--stage parse|eval] [--json] [--corpus <dir>] [--fail-under <pct>]
 * [folder filter...]`: runs OPA's conformance cases through one stage and reports per folder.
 * Exit code 0 (it is a report), 1 below --fail-under, 2 for bad arguments.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadCorpus } from "./corpus.js";
import { passRate, summarize, toJson, toText } from "./report.js";
import { runStage } from "./run.js";
import { loadStage, stageNames } from "./stages.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEFAULT_CORPUS = resolve(repoRoot, "..", "shared", "conformance", "opa");

const USAGE = `usage: npm run conformance -- [--stage ${stageNames().join("|")}] [--json] [--corpus <dir>] [--fail-under <pct>] [folder filter...]`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        stage: { type: "string", default: "parse" },
        json: { type: "boolean", default: false },
        corpus: { type: "string" },
        "fail-under": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const stage = await loadStage(values.stage!);
  if (!stage) {
    process.stderr.write(`unknown stage "${values.stage}"; known stages: ${stageNames().join(", ")}\n`);
    return 2;
  }
  let failUnder: number | undefined;
  if (values["fail-under"] !== undefined) {
    failUnder = Number(values["fail-under"]);
    if (!Number.isFinite(failUnder) || failUnder < 0 || failUnder > 100) {
      process.stderr.write(`--fail-under must be a percentage between 0 and 100, not "${values["fail-under"]}"\n`);
      return 2;
    }
  }
  const corpus = values.corpus ? resolve(values.corpus) : DEFAULT_CORPUS;
  if (!existsSync(corpus)) {
    process.stderr.write(`conformance corpus not found at ${corpus}; nothing to run\n`);
    if (values.json) process.stdout.write(toJson(summarize([]).summary) + "\n");
    return 0;
  }
  const cases = await loadCorpus(corpus, positionals);
  const { summary, skipped } = summarize(await runStage(stage, cases));
  process.stdout.write(values.json ? toJson(summary) + "\n" : toText(stage.name, summary, skipped));
  if (failUnder !== undefined && passRate(summary) < failUnder) {
    process.stderr.write(`pass rate ${passRate(summary).toFixed(2)}% is below --fail-under ${failUnder}%\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => {
    process.stderr.write(`conformance harness failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}

