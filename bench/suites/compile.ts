/**
 * Compile-time costs: regent's compiler on the reference policies/ (the AI-gateway entrypoint) and
 * on a generated 50-rule policy, and the size of the modules it emits (targets: < 1 s, < 300 KB).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { FIFTY_RULES_ALLOWED_INPUT, FIFTY_RULES_ENTRYPOINT, fiftyRulePolicy } from "../gen/fifty-rules.js";
import { summarize } from "../lib/measure.js";
import { compilerPiece, evaluatorPiece, repoPath, type CompilerModule } from "../lib/pieces.js";
import { describe, firstResult } from "../lib/policy.js";
import { benchEnv, round, skipped, type ScenarioResult } from "../lib/result.js";
import type { Suite, SuiteContext } from "../lib/suite.js";

export const AI_GATEWAY_ENTRYPOINT = "envoy/authz/allow";
const SIZE_TARGET_BYTES = 300 * 1024;

export const compileSuite: Suite = {
  name: "compile",
  scenarios: ["compile/50-rules", "compile/policies", "size/module-50-rules", "size/module-policies"],
  async run(ctx) {
    const compiler = await compilerPiece();
    if (!compiler.ok) return this.scenarios.map((n) => skipped(n, `compiler: ${compiler.why}`));
    const rows: ScenarioResult[] = [];
    if (ctx.wants("compile/50-rules") || ctx.wants("size/module-50-rules")) {
      rows.push(...(await compileRows(ctx, compiler.mod, "50-rules", [fiftyRulePolicy()], FIFTY_RULES_ENTRYPOINT, true)));
    }
    if (ctx.wants("compile/policies") || ctx.wants("size/module-policies")) {
      const mods = referencePolicies();
      if (mods.length === 0) rows.push(skipped("compile/policies", "policies/ has no .rego files yet"), skipped("size/module-policies", "policies/ has no .rego files yet"));
      else rows.push(...(await compileRows(ctx, compiler.mod, "policies", mods, AI_GATEWAY_ENTRYPOINT, false)));
    }
    return rows;
  },
};

/** Every policies/**\/*.rego except the tests, as `regent build` would take them. */
export function referencePolicies(): { path: string; source: string }[] {
  const root = repoPath("policies");
  const out: { path: string; source: string }[] = [];
  const walk = (dir: string): void => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".rego") && !e.name.endsWith("_test.rego")) out.push({ path: path.relative(repoPath("."), p), source: readFileSync(p, "utf8") });
    }
  };
  walk(root);
  return out;
}

async function compileRows(
  ctx: SuiteContext,
  compiler: CompilerModule,
  label: string,
  modules: { path: string; source: string }[],
  entrypoint: string,
  runIt: boolean,
): Promise<ScenarioResult[]> {
  const runs = ctx.quick ? 3 : 8;
  const times: number[] = [];
  let wasm: Uint8Array | undefined;
  ctx.log(`compile/${label}: ${runs} compiles of ${modules.length} module(s)`);
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      wasm = (await compiler.compile({ modules, entrypoints: [entrypoint] })).wasm;
      times.push(Number(process.hrtime.bigint() - t0));
    }
  } catch (err) {
    const why = `compile failed: ${describe(err)}`;
    return [skipped(`compile/${label}`, why), skipped(`size/module-${label}`, why)];
  }
  if (runIt && wasm) await proveItRuns(wasm, entrypoint);
  const cold = times[0]! / 1e6;
  // The first compile pays for loading binaryen and JIT warm-up; the target is judged on warm compiles.
  const warm = times.length > 1 ? times.slice(1) : times;
  const p = summarize(warm, 1e-3);
  const compileRow: ScenarioResult = {
    name: `compile/${label}`,
    ops_per_sec: round(1e6 / p.mean, 2),
    mean_us: p.mean,
    p50_us: p.p50,
    p99_us: p.p99,
    samples: warm.length,
    env: benchEnv(),
    extra: { modules: modules.length, cold_ms: round(cold, 1), p50_ms: round(p.p50 / 1000, 1), ...(label === "50-rules" ? { target: "< 1 s", target_met: p.p99 < 1e6 && cold < 1000 } : {}) },
  };
  const bytes = wasm?.byteLength ?? 0;
  const sizeRow: ScenarioResult = {
    name: `size/module-${label}`,
    ops_per_sec: null,
    mean_us: null,
    p50_us: null,
    p99_us: null,
    samples: 1,
    env: benchEnv(),
    extra: { value: bytes, bytes, kb: round(bytes / 1024, 1), target: "< 300 KB", target_met: bytes < SIZE_TARGET_BYTES },
  };
  return [compileRow, sizeRow].filter((r) => ctx.wants(r.name));
}

/** A size or a compile time of a module that does not work would mean nothing. */
async function proveItRuns(wasm: Uint8Array, entrypoint: string): Promise<void> {
  const evaluator = await evaluatorPiece();
  if (!evaluator.ok) return;
  const policy = await evaluator.mod.loadPolicy(wasm);
  const got = firstResult(policy.evaluate(FIFTY_RULES_ALLOWED_INPUT, entrypoint));
  if (got !== true) throw new Error(`the generated 50-rule policy decided ${JSON.stringify(got)} for an input it must allow`);
}
