/**
 * The Check pipeline in-process with real parts (compiled wasm policies, the budget store,
 * the proto codec): fail modes before a bundle is active and on evaluation errors, a budget
 * store that is down, and the decision log line for each outcome.
 */
import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import pino from "pino";
import { createCheckHandler } from "../../src/authz/check.js";
import { compileAiExtractor } from "../../src/authz/ai.js";
import { DecisionLog } from "../../src/authz/log.js";
import { Metrics } from "../../src/authz/metrics.js";
import { instantiateBundle, PolicySlot } from "../../src/authz/policy.js";
import { loadProtos } from "../../src/authz/proto.js";
import { parseBundleFiles } from "../../src/bundle/index.js";
import { MemoryBudgetStore, type BudgetStore } from "../../src/budget/index.js";
import { resolveConfig } from "../../src/config/load.js";
import { join } from "node:path";
import { JwksKeySource, TokenVerifier } from "../../src/identity/index.js";
import { TestIdp, checkRequest, compilePolicy, tempDir } from "./harness.js";

const codec = loadProtos().authorization.Check!;
const wire = (req: unknown) => codec.requestDeserialize(codec.requestSerialize(req));

async function policyOf(source: string) {
  const wasm = await compilePolicy([{ path: "p.rego", source }]);
  const enc = new TextEncoder();
  const bundle = parseBundleFiles(
    new Map([
      [".manifest", enc.encode(JSON.stringify({ revision: "t1", wasm: [{ entrypoint: "envoy/authz/allow", module: "/policy.wasm" }] }))],
      ["policy.wasm", wasm],
    ]),
  );
  return instantiateBundle(bundle, "envoy/authz/allow");
}

function handler(opts: { yaml?: string; budget?: BudgetStore; policy?: Awaited<ReturnType<typeof policyOf>>; verifier?: TokenVerifier }) {
  const lines: any[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(JSON.parse(chunk.toString())), cb()) });
  const config = resolveConfig({ fileText: opts.yaml ?? "" });
  const slot = new PolicySlot();
  if (opts.policy) slot.set(opts.policy);
  const metrics = new Metrics();
  const log = new DecisionLog(pino({ level: "info" }, sink), { enabled: true, level: "info", redactHeaders: ["authorization"], mask: "***", includeHeaders: true });
  const check = createCheckHandler({ config, slot, verifier: opts.verifier, budget: opts.budget ?? new MemoryBudgetStore(), ai: compileAiExtractor(config.ai), metrics, log });
  return { check: (req: unknown) => check(wire(req)), lines, metrics, slot };
}

describe("check handler", () => {
  it("denies before a bundle is active (fail mode deny), or allows when fail mode is allow", async () => {
    const closed = handler({});
    const r1 = await closed.check(checkRequest({ path: "/x" }));
    expect(r1).toMatchObject({ status: { code: 7 }, deniedResponse: { status: { code: 403 } } });
    expect(closed.lines[0]).toMatchObject({ msg: "decision", result: "deny", error: "no_active_bundle", level: 40 });
    const open = handler({ yaml: "policy: {fail_mode: allow}" });
    expect((await open.check(checkRequest({ path: "/x" }))).status.code).toBe(0);
    expect(open.lines[0]).toMatchObject({ result: "allow", error: "no_active_bundle" });
  });

  it("turns an evaluation error into the configured denial and logs it", async () => {
    const policy = await policyOf('package envoy.authz\n\nallow := 1 if input.parsed_path[0] == "x"\n\nallow := 2 if input.parsed_path[0] == "x"\n');
    const h = handler({ policy, yaml: "policy: {error_status: 503}" });
    const r = await h.check(checkRequest({ path: "/x" }));
    expect(r).toMatchObject({ status: { code: 7 }, deniedResponse: { status: { code: 503 } } });
    expect(h.lines[0].error).toMatch(/evaluation error/);
    expect(await h.metrics.registry.getSingleMetricAsString("regent_eval_errors_total")).toMatch(/ 1$/m);
  });

  it("answers per fail mode when the budget store is down", async () => {
    const down: BudgetStore = {
      inspect: () => Promise.reject(new Error("connection refused")),
      reserve: () => Promise.reject(new Error("connection refused")),
      settle: () => Promise.reject(new Error("connection refused")),
      close: async () => undefined,
    };
    const idp = await TestIdp.create();
    const jwks = join(tempDir(), "jwks.json");
    idp.writeJwks(jwks);
    const keys = new JwksKeySource({ file: jwks, cacheSeconds: 60, minRefreshSeconds: 0 });
    const verifier = new TokenVerifier({ keys, issuer: [], audience: [], algorithms: ["RS256"], clockToleranceSeconds: 0, cacheSize: 10 });
    const policy = await policyOf("package envoy.authz\n\nallow := true\n");
    const headers = { authorization: `Bearer ${await idp.token({ sub: "a", tenant: "acme" })}` };
    const h = handler({ policy, budget: down, verifier, yaml: "budget: {scope: tenant, default_limit: 10}" });
    const r = await h.check(checkRequest({ path: "/x", headers }));
    expect(r).toMatchObject({ status: { code: 7 }, deniedResponse: { status: { code: 403 } } });
    expect(h.lines[0].error).toBe("budget store: connection refused");
    // Anonymous callers have no budget key, so the store is never asked.
    expect((await h.check(checkRequest({ path: "/x" }))).status.code).toBe(0);
  });

  it("masks configured headers when headers are logged", async () => {
    const policy = await policyOf("package envoy.authz\n\nallow := true\n");
    const h = handler({ policy });
    await h.check(checkRequest({ path: "/x", headers: { authorization: "Bearer secret", "x-a": "1" } }));
    expect(h.lines[0].headers).toMatchObject({ authorization: "***", "x-a": "1" });
    expect(JSON.stringify(h.lines)).not.toContain("secret");
  });
});
