/**
 * Runs in its own process with --no-turbo-inline-js-wasm-calls (cedar-wasm 4.13 aborts V8 about one
 * run in five without it): times Cedar's RBAC decision and, under the same flag, the compiled Rego policy,
 * then prints the rows as one JSON line on stdout.
 */
import { readFileSync } from "node:fs";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { envoyInput, rbacRequest } from "../fixtures/envoy.js";
import { rbacAllow } from "../limits/rbac.js";
import { measureSync } from "../lib/measure.js";
import { evaluatorPiece } from "../lib/pieces.js";
import { firstResult } from "../lib/policy.js";
import { skipped, type ScenarioResult } from "../lib/result.js";
import { CEDAR_RBAC_ENTITIES, CEDAR_RBAC_POLICIES, cedarRequest } from "./rbac.js";

type Input = Parameters<typeof cedarRequest>[0];

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const wasmAt = process.argv.indexOf("--wasm");
  const wasmPath = wasmAt > 0 ? process.argv[wasmAt + 1] : undefined;
  const rows: ScenarioResult[] = [];
  const input = envoyInput(rbacRequest()) as unknown as Input;
  const cases = [input, envoyInput(rbacRequest("alice", "POST")), envoyInput(rbacRequest("bob", "POST")), envoyInput(rbacRequest("mallory"))] as unknown as Input[];

  const parsed = cedar.preparsePolicySet("rbac", { staticPolicies: CEDAR_RBAC_POLICIES });
  if (parsed.type !== "success") throw new Error(`cedar could not parse the policies: ${JSON.stringify(parsed)}`);
  const stateful = (i: Input): boolean => {
    const req = cedarRequest(i);
    if (!req) return false;
    const a = cedar.statefulIsAuthorized({ ...req, preparsedPolicySetId: "rbac", entities: CEDAR_RBAC_ENTITIES });
    if (a.type !== "success") throw new Error(`cedar failed: ${JSON.stringify(a.errors)}`);
    return a.response.decision === "allow";
  };
  const stateless = (i: Input): boolean => {
    const req = cedarRequest(i);
    if (!req) return false;
    const a = cedar.isAuthorized({ ...req, policies: { staticPolicies: CEDAR_RBAC_POLICIES }, entities: CEDAR_RBAC_ENTITIES });
    if (a.type !== "success") throw new Error(`cedar failed: ${JSON.stringify(a.errors)}`);
    return a.response.decision === "allow";
  };
  for (const c of cases) {
    const want = rbacAllow(c);
    if (stateful(c) !== want || stateless(c) !== want) throw new Error(`cedar decided differently from the reference on ${JSON.stringify(cedarRequest(c))}`);
  }
  const timed = quick ? 2_000 : 50_000;
  rows.push(measureSync("hotpath/rbac/cedar", () => stateful(input), { quick, timedCalls: timed }));
  rows.push(measureSync("hotpath/rbac/cedar-stateless", () => stateless(input), { quick, timedCalls: quick ? 1_000 : 20_000 }));

  if (!wasmPath) {
    rows.push(skipped("hotpath/rbac/opa-wasm-noinline", "the RBAC policy was not compiled (see hotpath/rbac/opa-wasm)"));
  } else {
    const evaluator = await evaluatorPiece();
    if (!evaluator.ok) {
      rows.push(skipped("hotpath/rbac/opa-wasm-noinline", `evaluator: ${evaluator.why}`));
    } else {
      const policy = await evaluator.mod.loadPolicy(new Uint8Array(readFileSync(wasmPath)));
      const decide = (i: unknown): unknown => firstResult(policy.evaluate(i, "envoy/authz/allow"));
      for (const c of cases) if (decide(c) !== rbacAllow(c)) throw new Error("the compiled RBAC policy decided differently from the reference");
      rows.push(measureSync("hotpath/rbac/opa-wasm-noinline", () => decide(input), { quick }));
    }
  }
  process.stdout.write(`${JSON.stringify(rows)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
