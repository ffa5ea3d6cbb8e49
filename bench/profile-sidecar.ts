/**
 * Where `regent serve`'s time goes under load: starts the sidecar (the end-to-end bench's setup) with
 * --cpu-prof, drives it with h2load at concurrency 16 for a few seconds, stops it and prints the time by
 * category (transport, input mapping, identity, evaluation, decision log, GC).
 * Usage: node --import tsx bench/profile-sidecar.ts [seconds] [--json]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { prepareRegent } from "./e2e/regent.js";
import { ensureH2load, runH2load } from "./loadgen/h2load.js";
import { formatSummary, summarizeProfile, type CpuProfile } from "./lib/profile-summary.js";
import { freePort, startServer } from "./lib/server.js";

async function main(): Promise<void> {
  const asJson = process.argv.includes("--json");
  const seconds = Number(process.argv.slice(2).find((a) => a !== "--json") ?? 5);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new Error("seconds must be a positive integer");
  const log = (m: string): void => void process.stderr.write(`[profile-sidecar] ${m}\n`);
  const h2load = ensureH2load(log);
  if (!h2load.ok) throw new Error(h2load.why);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "regent-profile-sidecar-"));
  try {
    const regent = await prepareRegent(tmp, log);
    if (!regent.ok) throw new Error(regent.why);
    const bodyFile = path.join(tmp, "check.grpc");
    writeFileSync(bodyFile, regent.frame);
    const profDir = path.join(tmp, "prof");
    const port = await freePort();
    const server = await startServer("regent serve", ["--cpu-prof", "--cpu-prof-dir", profDir, ...regent.args(port)], port, 120_000);
    let result;
    // h2load warms up for 1 s first; only the measured seconds count.
    const fromUs = Number(process.hrtime.bigint() / 1000n) + 1_000_000;
    try {
      result = await runH2load(h2load.bin, port, bodyFile, 16, seconds, seconds * 1000 + 60_000);
    } finally {
      await server.stop();
    }
    const toUs = fromUs + seconds * 1_000_000;
    const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("the sidecar wrote no .cpuprofile (did it exit cleanly on SIGTERM?)");
    const keep = path.join(mkdtempSync(path.join(os.tmpdir(), "regent-profile-")), "sidecar.cpuprofile");
    writeFileSync(keep, readFileSync(path.join(profDir, file)));
    const summary = summarizeProfile(JSON.parse(readFileSync(keep, "utf8")) as CpuProfile, 15, { fromUs, toUs });
    if (asJson) {
      process.stdout.write(`${JSON.stringify({ rps: result.rps, seconds, profile: keep, categories: Object.fromEntries(summary.categories) })}\n`);
    } else {
      process.stdout.write(`regent serve at concurrency 16: ${result.rps.toFixed(0)} rps for ${seconds} s (samples from the measured seconds only); profile in ${keep}\n\n${formatSummary(summary)}\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/profile-sidecar: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
