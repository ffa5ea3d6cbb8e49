/**
 * Where the time of one in-process decision goes, for a target that is missed: runs a policy's
 * decision loop under V8's sampling profiler, writes the .cpuprofile to a temp folder and prints the
 * time by category (inside wasm, SDK JSON transfer, host built-ins, GC) and the top functions.
 * Usage: node --import tsx bench/profile.ts [ai-gateway|rbac|nop] [evaluations]
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { envoyInput, rbacRequest } from "./fixtures/envoy.js";
import { compileAndLoad, readPolicy, type ReadyPolicy } from "./lib/policy.js";
import { loadAiGateway } from "./suites/ai-gateway.js";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const which = process.argv[2] ?? "ai-gateway";
const n = Number(process.argv[3] ?? 20_000);
if (!["ai-gateway", "rbac", "nop"].includes(which) || !Number.isInteger(n) || n <= 0) {
  process.stderr.write("usage: bench/profile.ts [ai-gateway|rbac|nop] [evaluations > 0]\n");
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

function category(f: Node["callFrame"]): string {
  if (f.url.startsWith("wasm://")) return "inside wasm (policy + runtime)";
  if (f.functionName === "(garbage collector)") return "garbage collection";
  if (/src\/builtins\/|re2/.test(f.url) || /^opa_builtin/.test(f.functionName)) return "host built-ins (JS)";
  if (/opa-wasm|encoding|stringify|JSON|parse|_dumpJSON|_loadJSON/.test(`${f.url} ${f.functionName}`)) return "SDK JSON transfer (stringify, encode, dump, parse)";
  if (f.functionName === "(idle)" || f.functionName === "(program)") return "idle / VM";
  if (f.url === "") return "V8 natives (no source)";
  return "other JS";
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
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
  const dir = mkdtempSync(path.join(os.tmpdir(), "regent-profile-"));
  const out = path.join(dir, `${which}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  const cats = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    // The first delta runs from Profiler.start to the first sample (the inspector call itself).
    if (i === 0) return;
    const dt = profile.timeDeltas[i] ?? 0;
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    cats.set(category(f), (cats.get(category(f)) ?? 0) + dt);
    total += dt;
  });
  const pct = (t: number): string => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
  process.stdout.write(`${which}: ${n} evaluations, ${us.toFixed(2)} µs each; profile in ${out}\n\nby category:\n`);
  for (const [k, t] of [...cats].sort((a, b) => b[1] - a[1])) process.stdout.write(`${pct(t)}  ${k}\n`);
  process.stdout.write("\ntop functions (self time):\n");
  for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`${pct(t)}  ${k}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/profile: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
