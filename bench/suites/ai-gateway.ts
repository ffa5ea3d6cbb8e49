/**
 * The AI-gateway decision in process: the reference policies/ with bundles/ai-gateway's data,
 * compiled by regent and run through the SDK, beside the hand-written TypeScript decision (the limit).
 * Target: p99 under 50 µs.
 */
import { existsSync } from "node:fs";
import { aiCases, aiGatewayData, aiInput } from "../fixtures/ai-gateway.js";
import { aiGatewayDecision } from "../limits/ai-gateway.js";
import { measureSync } from "../lib/measure.js";
import { repoPath } from "../lib/pieces.js";
import { assertSameDecision, compileAndLoad, type ReadyPolicy } from "../lib/policy.js";
import { skipped, withRatio, type ScenarioResult } from "../lib/result.js";
import type { SuiteContext } from "../lib/suite.js";
import { AI_GATEWAY_ENTRYPOINT, referencePolicies } from "./compile.js";

export const AI_GATEWAY_SCENARIOS = ["hotpath/ai-gateway/ts-limit", "hotpath/ai-gateway/opa-wasm"] as const;

export type AiReady = { ok: true; ready: ReadyPolicy; input: unknown; data: unknown } | { ok: false; why: string };

/** Compiles policies/ with the bundle's data and proves it decides as the limit does on every case. */
export async function loadAiGateway(): Promise<AiReady> {
  if (!existsSync(repoPath("bundles/ai-gateway/data.yaml"))) return { ok: false, why: "bundles/ai-gateway/data.yaml is not there yet" };
  const modules = referencePolicies();
  if (modules.length === 0) return { ok: false, why: "policies/ has no .rego files yet" };
  const data = aiGatewayData();
  const loaded = await compileAndLoad(modules, AI_GATEWAY_ENTRYPOINT, data);
  if (!loaded.ok) return loaded;
  assertSameDecision("ai-gateway", aiCases(), loaded.ready.decide, (i) => aiGatewayDecision(i, data));
  return { ok: true, ready: loaded.ready, input: aiInput(), data };
}

export async function aiGatewayRows(ctx: SuiteContext): Promise<ScenarioResult[]> {
  const input = aiInput();
  const extra = { input_bytes: Buffer.byteLength(JSON.stringify(input)) };
  const rows: ScenarioResult[] = [];
  let limit: ScenarioResult | undefined;
  if (existsSync(repoPath("bundles/ai-gateway/data.yaml"))) {
    const data = aiGatewayData();
    ctx.log("hotpath/ai-gateway: ts limit");
    limit = { ...measureSync("hotpath/ai-gateway/ts-limit", () => aiGatewayDecision(input, data), { quick: ctx.quick }), extra };
    rows.push(limit);
  } else {
    rows.push(skipped("hotpath/ai-gateway/ts-limit", "bundles/ai-gateway/data.yaml is not there yet"));
  }
  if (!ctx.wants("hotpath/ai-gateway/opa-wasm")) return rows;
  const ai = await loadAiGateway();
  if (!ai.ok) return [...rows, skipped("hotpath/ai-gateway/opa-wasm", ai.why)];
  ctx.log("hotpath/ai-gateway: opa-wasm");
  const wasm = measureSync("hotpath/ai-gateway/opa-wasm", () => ai.ready.decide(input), { quick: ctx.quick, timedCalls: ctx.quick ? 3_000 : 50_000 });
  wasm.extra = {
    ...wasm.extra,
    ...extra,
    module_bytes: ai.ready.wasm.byteLength,
    target: "p99 < 50 µs",
    target_met: (wasm.p99_us ?? Infinity) < 50,
  };
  rows.push(limit ? withRatio(wasm, limit) : wasm);
  return rows;
}
