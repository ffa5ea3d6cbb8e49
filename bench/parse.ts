/**
 * Parse throughput: gathers every module of the conformance corpus, repeats that set until it
 * holds at least 1 MiB of Rego (each module stays a separate file), and times one cold pass of
 * parseModule over all of it. Prints {"bytes","files","ms","mb_per_s","cpu_ms","load_avg"}: `ms` is wall
 * time, `cpu_ms` this process's CPU time (the honest figure when other work shares the cores).
 * Usage: node --import tsx bench/parse.ts [--corpus <dir>] [--mb <size>]
 */
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { DEFAULT_CORPUS } from "../src/conformance/main.js";
import { loadCorpus } from "../src/conformance/corpus.js";
import { parseModule } from "../src/rego/index.js";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { corpus: { type: "string" }, mb: { type: "string", default: "1" } } });
  const corpus = values.corpus ?? DEFAULT_CORPUS;
  if (!existsSync(corpus)) {
    process.stderr.write(`conformance corpus not found at ${corpus}; nothing to measure\n`);
    return 0;
  }
  const target = Number(values.mb) * 1024 * 1024;
  const modules = (await loadCorpus(corpus)).flatMap((c) => c.modules);
  if (modules.length === 0) {
    process.stderr.write(`no modules in ${corpus}\n`);
    return 1;
  }
  const files: string[] = [];
  let bytes = 0;
  while (bytes < target) {
    for (const m of modules) {
      files.push(m);
      bytes += Buffer.byteLength(m);
      if (bytes >= target) break;
    }
  }
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < files.length; i++) errors += parseModule(files[i], `m${i}.rego`).errors.length;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (errors > 0) process.stderr.write(`note: ${errors} parse errors in the corpus modules\n`);
  const out = {
    bytes,
    files: files.length,
    ms: Math.round(ms * 10) / 10,
    mb_per_s: Math.round((bytes / 1024 / 1024 / (ms / 1000)) * 100) / 100,
    cpu_ms: Math.round((cpu.user + cpu.system) / 100) / 10,
    load_avg: Math.round(loadavg()[0] * 100) / 100,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
  return 0;
}

main().then((code) => { process.exitCode = code; }, (err) => {
  process.stderr.write(`bench/parse failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
