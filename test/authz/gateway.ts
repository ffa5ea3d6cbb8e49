/**
 * The reference AI gateway in-process for tests of the agent features: the policies in policies/
 * compiled with regent's compiler, bundles/ai-gateway/data.yaml as data, a real check handler with
 * a JWT verifier, and the decision log lines collected for assertions.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { parse } from "yaml";
import { createCheckHandler } from "../../src/authz/check.js";
import { compileAiExtractor } from "../../src/authz/ai.js";
import { DecisionLog } from "../../src/authz/log.js";
import { Metrics } from "../../src/authz/metrics.js";
import { instantiateBundle, PolicySlot } from "../../src/authz/policy.js";
import { loadProtos } from "../../src/authz/proto.js";
import { parseBundleFiles } from "../../src/bundle/index.js";
import { MemoryBudgetStore, type BudgetStore } from "../../src/budget/index.js";
import { resolveConfig } from "../../src/config/load.js";
import { JwksKeySource, TokenVerifier } from "../../src/identity/index.js";
import { ROOT, TestIdp, compilePolicy, tempDir } from "./harness.js";

const codec = loadProtos().authorization.Check!;
/** Through the real proto codec, as grpc-js would hand the request over. */
export const wire = (req: unknown) => codec.requestDeserialize(codec.requestSerialize(req));

function policySources(dir: string): { path: string; source: string }[] {
  const out: { path: string; source: string }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...policySources(p));
    else if (e.name.endsWith(".rego") && !e.name.endsWith("_test.rego")) out.push({ path: p.slice(ROOT.length + 1), source: readFileSync(p, "utf8") });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export interface Gateway {
  check(req: unknown): Promise<any>;
  lines: any[];
  idp: TestIdp;
}

export async function startGateway(budget: BudgetStore = new MemoryBudgetStore(), configYaml = ""): Promise<Gateway> {
  const wasm = await compilePolicy(policySources(join(ROOT, "policies")));
  const data = parse(readFileSync(join(ROOT, "bundles", "ai-gateway", "data.yaml"), "utf8"), { version: "1.1" });
  const enc = new TextEncoder();
  const bundle = parseBundleFiles(
    new Map([
      [".manifest", enc.encode(JSON.stringify({ revision: "agents", roots: ["envoy", "regent"], wasm: [{ entrypoint: "envoy/authz/allow", module: "/policy.wasm" }] }))],
      ["policy.wasm", wasm],
      ["data.json", enc.encode(JSON.stringify(data))],
    ]),
  );
  const slot = new PolicySlot();
  slot.set(await instantiateBundle(bundle, "envoy/authz/allow"));
  const idp = await TestIdp.create();
  const jwks = join(tempDir(), "jwks.json");
  idp.writeJwks(jwks);
  const keys = new JwksKeySource({ file: jwks, cacheSeconds: 600, minRefreshSeconds: 0 });
  const verifier = new TokenVerifier({ keys, issuer: [idp.issuer], audience: [idp.audience], algorithms: ["RS256"], clockToleranceSeconds: 0, cacheSize: 100 });
  const lines: any[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(JSON.parse(chunk.toString())), cb()) });
  const config = resolveConfig({ fileText: configYaml });
  const log = new DecisionLog(pino({ level: "info" }, sink), { enabled: true, level: "info", redactHeaders: ["authorization"], mask: "***", includeHeaders: false });
  const check = createCheckHandler({ config, slot, verifier, budget, ai: compileAiExtractor(config.ai), metrics: new Metrics(), log });
  return { check: (req: unknown) => check(wire(req)), lines, idp };
}
