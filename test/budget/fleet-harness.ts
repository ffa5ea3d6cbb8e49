/**
 * Shared setup of the budget end-to-end tests: an IdP, a signed-off bundle with the budget test
 * policy and its limits in data, and `regent serve` configs that point at a real Redis.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, TestIdp, buildBundle, checkRequest, compilePolicy, tempDir } from "../authz/harness.js";

export const LIMITS = {
  regent: {
    budgets: {
      tenant: { budget: 100_000, ids: { fleet: { budget: 100 } } },
      user: { budget: 10_000, ids: { "nest/alice": { budget: 50 } } },
      agent: { budget: 20 },
    },
    models: { "gpt-4o": { max_output_tokens: 7 } },
  },
};

export interface Setup {
  dir: string;
  idp: TestIdp;
  bundlePath: string;
  jwksPath: string;
}

export async function setup(): Promise<Setup> {
  const dir = tempDir("regent-budget-");
  const idp = await TestIdp.create(["k1"]);
  const jwksPath = join(dir, "jwks.json");
  idp.writeJwks(jwksPath, ["k1"]);
  const source = readFileSync(join(ROOT, "test/budget/fixtures/budget.rego"), "utf8");
  const bundle = await buildBundle({ wasm: await compilePolicy([{ path: "budget.rego", source }]), data: LIMITS, revision: "b1" });
  const bundlePath = join(dir, "bundle.tar.gz");
  writeFileSync(bundlePath, bundle);
  return { dir, idp, bundlePath, jwksPath };
}

/** A regent.yaml with nested scopes and the given store settings (YAML lines under `budget:`). */
export function writeConfig(s: Setup, name: string, budgetLines: string[], serverLines: string[] = [], rootLines: string[] = []): string {
  const path = join(s.dir, `${name}.yaml`);
  writeFileSync(
    path,
    [
      ...(serverLines.length ? ["server:", ...serverLines.map((l) => `  ${l}`)] : []),
      "identity:",
      `  jwks_file: ${s.jwksPath}`,
      `  audience: ${s.idp.audience}`,
      "  algorithms: [RS256]",
      "decision_log:",
      "  enabled: false",
      "budget:",
      "  scopes: [tenant, user, agent]",
      "  scope_limits: {tenant: {budget: 5}}",
      ...budgetLines.map((l) => `  ${l}`),
      ...rootLines,
      "",
    ].join("\n"),
  );
  return path;
}

export async function spend(s: Setup, claims: Record<string, unknown>, body: unknown, path = "/v1/chat/completions") {
  const headers = { authorization: `Bearer ${await s.idp.token(claims)}`, "content-type": "application/json" };
  return checkRequest({ method: "POST", path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}
