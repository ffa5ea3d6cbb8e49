/**
 * Runs the reference policies' own Rego tests (`regent test policies/ --coverage`) inside the
 * vitest suite, so CI fails when a policy or its _test.rego breaks or coverage drops below 90%.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runTestCommand } from "../../src/cli/test.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

interface Report {
  summary: { total: number; pass: number; fail: number; error: number; skip: number };
  tests: { name: string; status: string; reason?: string }[];
  coverage: { coverage: number; mismatches: string[]; files: { file: string; coverage: number; not_covered: number[] }[] };
}

describe("regent test policies/", () => {
  it("passes every test with at least 90% line coverage", async () => {
    const out = await runTestCommand([join(ROOT, "policies")], { format: "json", coverage: true, cwd: ROOT });
    expect(out.stderr).toBe("");
    const report = JSON.parse(out.stdout) as Report;
    const failed = report.tests.filter((t) => t.status !== "pass").map((t) => `${t.name}: ${t.status} ${t.reason ?? ""}`);
    expect(failed).toEqual([]);
    expect(out.code).toBe(0);
    // Every module has tests: at least a handful per package.
    const perPackage = new Map<string, number>();
    for (const t of report.tests) {
      const pkg = t.name.replace(/\.test_[^.]*$/, "");
      perPackage.set(pkg, (perPackage.get(pkg) ?? 0) + 1);
    }
    for (const pkg of ["authn", "request", "tenancy", "roles", "deputy", "models", "classification", "guards", "tools", "routing", "prompts"]) {
      expect(perPackage.get(`data.regent.${pkg}_test`), pkg).toBeGreaterThanOrEqual(8);
    }
    expect(perPackage.get("data.envoy.authz_test")).toBeGreaterThanOrEqual(10);
    expect(report.coverage.mismatches).toEqual([]);
    expect(report.coverage.coverage).toBeGreaterThanOrEqual(90);
    expect(report.coverage.files.map((f) => f.file).sort()).toEqual(
      [
        "policies/envoy/authz.rego",
        ...["authn", "classification", "deputy", "guards", "models", "prompts", "request", "roles", "routing", "tenancy", "tools"].map(
          (m) => `policies/regent/${m}.rego`,
        ),
      ].sort(),
    );
  }, 300_000);
});
