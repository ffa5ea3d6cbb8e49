/**
 * Wasm memory after many evaluations: the SDK resets the heap to just after the data on every
 * evaluate, so the page count must stop growing after warm-up. 1,000,000 evaluations (quick: 100,000),
 * cut short after 45 s (quick: 5 s), in which case the row says how many ran.
 */
import { envoyInput, rbacRequest } from "../fixtures/envoy.js";
import { rbacAllow } from "../limits/rbac.js";
import { loadPolicy as sdkLoadPolicy } from "@open-policy-agent/opa-wasm";
import { RegentError } from "../../src/errors.js";
import { BENCH_ERRORS } from "../errors.js";
import { piece } from "../lib/pieces.js";
import { assertSameDecision, canonical, compileAndLoad, firstResult, readPolicy, type ReadyPolicy } from "../lib/policy.js";
import { benchEnv, round, skipped, type ScenarioResult } from "../lib/result.js";
import type { Suite, SuiteContext } from "../lib/suite.js";
import { loadAiGateway } from "./ai-gateway.js";

export const memorySuite: Suite = {
  name: "memory",
  scenarios: ["memory/wasm-pages-rbac", "memory/wasm-pages-ai-gateway"],
  async run(ctx) {
    const rows: ScenarioResult[] = [];
    if (ctx.wants("memory/wasm-pages-rbac")) rows.push(...(await ctx.guard(["memory/wasm-pages-rbac"], () => rbacPages(ctx))));
    if (ctx.wants("memory/wasm-pages-ai-gateway")) rows.push(...(await ctx.guard(["memory/wasm-pages-ai-gateway"], () => aiPages(ctx))));
    return rows;
  },
};

async function rbacPages(ctx: SuiteContext): Promise<ScenarioResult[]> {
  const loaded = await compileAndLoad([readPolicy("bench/policies/rbac.rego")], "envoy/authz/allow");
  if (!loaded.ok) return [skipped("memory/wasm-pages-rbac", loaded.why)];
  const input = envoyInput(rbacRequest());
  assertSameDecision("rbac", [{ label: "alice GET /people", input }], loaded.ready.decide, (i) => rbacAllow(i as Parameters<typeof rbacAllow>[0]));
  return [await pagesRow(ctx, "memory/wasm-pages-rbac", loaded.ready, input)];
}

async function aiPages(ctx: SuiteContext): Promise<ScenarioResult[]> {
  const ai = await loadAiGateway();
  if (!ai.ok) return [skipped("memory/wasm-pages-ai-gateway", ai.why)];
  return [await pagesRow(ctx, "memory/wasm-pages-ai-gateway", ai.ready, ai.input, ai.data)];
}

interface SdkPolicy {
  mem: WebAssembly.Memory;
  evaluate(input: unknown, entrypoint?: string | number): unknown;
  setData(data: unknown): void;
}
interface BuiltinsModule {
  hostBuiltins: Record<string, (...args: unknown[]) => unknown>;
}

/**
 * Loads the module straight into the published SDK with regent's host built-ins: the SDK's
 * LoadedPolicy exposes its WebAssembly.Memory as `mem`, which regent's evaluator wrapper keeps private.
 */
async function sdkLoad(wasm: Uint8Array, data: unknown): Promise<{ ok: true; policy: SdkPolicy } | { ok: false; why: string }> {
  const builtins = await piece<BuiltinsModule>("src/builtins/index.ts", []);
  if (!builtins.ok) return builtins;
  if (typeof builtins.mod.hostBuiltins !== "object") return { ok: false, why: "src/builtins/index.ts does not export hostBuiltins" };
  const policy = (await sdkLoadPolicy(wasm, 5, builtins.mod.hostBuiltins)) as unknown as SdkPolicy;
  if (!(policy.mem instanceof WebAssembly.Memory)) return { ok: false, why: "the SDK's LoadedPolicy has no mem" };
  if (data !== undefined) policy.setData(data);
  return { ok: true, policy };
}

async function pagesRow(ctx: SuiteContext, name: string, ready: ReadyPolicy, input: unknown, data?: unknown): Promise<ScenarioResult> {
  const sdk = await sdkLoad(ready.wasm, data);
  if (!sdk.ok) return skipped(name, sdk.why);
  const mem = sdk.policy.mem;
  const entry = ready.entrypoint;
  const viaSdk = (i: unknown): unknown => firstResult(sdk.policy.evaluate(i, entry));
  if (canonical(viaSdk(input)) !== canonical(ready.decide(input))) {
    throw new RegentError(BENCH_ERRORS.mismatch, `${name}: the SDK-loaded module decided differently from regent's evaluator`);
  }
  ready = { ...ready, decide: viaSdk };
  const total = ctx.quick ? 100_000 : 1_000_000;
  const pages = (): number => mem.buffer.byteLength / 65_536;
  const initial = pages();
  for (let i = 0; i < 1_000; i++) ready.decide(input);
  const afterWarm = pages();
  ctx.log(`${name}: ${total.toLocaleString("en-US")} evaluations`);
  const heap0 = process.memoryUsage().heapUsed;
  // Bounded in count and in time: on a loaded machine a slow policy stops early and says so.
  const budgetNs = BigInt((ctx.quick ? 5 : 45) * 1e9);
  const t0 = process.hrtime.bigint();
  let done = 0;
  while (done < total) {
    for (let i = 0; i < 1_000; i++) ready.decide(input);
    done += 1_000;
    if (process.hrtime.bigint() - t0 > budgetNs) break;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = pages();
  return {
    name,
    ops_per_sec: round(done / secs, 0),
    mean_us: round((secs * 1e6) / done, 3),
    p50_us: null,
    p99_us: null,
    samples: 0,
    env: benchEnv(),
    extra: {
      evaluations: done,
      time_bounded: done < total,
      value: after,
      pages_initial: initial,
      pages_after_1k: afterWarm,
      pages_after: after,
      wasm_mb: round((after * 65_536) / 1_048_576, 2),
      bounded: after === afterWarm,
      js_heap_delta_mb: round((process.memoryUsage().heapUsed - heap0) / 1_048_576, 1),
    },
  };
}
