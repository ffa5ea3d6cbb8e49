/**
 * Where the time of one in-process decision goes, for a target that is missed: runs a policy's
 * decision loop under V8's sampling profiler, writes the .cpuprofile to a temp folder and prints the
 * time by category (inside wasm, SDK JSON transfer, host built-ins, GC) and the top functions.
 * Usage: node --import tsx bench/profile.ts [ai-gateway|rbac|nop] [evaluations] [--json]
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { envoyInput, rbacRequest } from "./fixtures/envoy.js";
import { compileAndLoad, readPolicy, type ReadyPolicy } from "./lib/policy.js";
import { formatSummary, summarizeProfile, type CpuProfile } from "./lib/profile-summary.js";
import { loadAiGateway } from "./suites/ai-gateway.js";

const asJson = process.argv.includes("--json");
const positional = process.argv.slice(2).filter((a) => a !== "--json");
const which = positional[0] ?? "ai-gateway";
const n = Number(positional[1] ?? 20_000);
if (!["ai-gateway", "rbac", "nop"].includes(which) || !Number.isInteger(n) || n <= 0) {
  process.stderr.write("usage: bench/profile.ts [ai-gateway|rbac|nop] [evaluations > 0] [--json]\n");
  process.exit(2);
}

async function load(): Promise<{ ready: ReadyPolicy; input: unknown }> {
  if (which === "ai-gateway") {
    const ai = await loadAiGateway();
    if (!ai.ok) throw new Error(ai.why);
    return { ready: ai.ready, input: ai.input };
  }
  const loaded = await compileAndLoad([readPolicy(`bench/policies/${which}.rego`)], "envoy/authz/allow");
  if (!loaded.ok) throw new Error(loaded.why);
  return { ready: loaded.ready, input: envoyInput(rbacRequest()) };
}

async function main(): Promise<void> {
  const { ready, input } = await load();
  for (let i = 0; i < 500; i++) ready.decide(input);
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 50 });
  await session.post("Profiler.start");
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) ready.decide(input);
  const us = Number(process.hrtime.bigint() - t0) / n / 1000;
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: CpuProfile };
  const dir = mkdtempSync(path.join(os.tmpdir(), "regent-profile-"));
  const out = path.join(dir, `${which}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));
  const summary = summarizeProfile(profile);
  if (asJson) {
    process.stdout.write(`${JSON.stringify({ policy: which, evaluations: n, us_per_evaluation: us, profile: out, categories: Object.fromEntries(summary.categories) })}\n`);
    return;
  }
  process.stdout.write(`${which}: ${n} evaluations, ${us.toFixed(2)} µs each; profile in ${out}\n\n${formatSummary(summary)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/profile: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
