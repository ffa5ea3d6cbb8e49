// Tests for src/conformance/main.ts: runs the harness as `npm run conformance` does
// (node --import tsx) over the fixture corpus in test/fixtures/conformance/.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const fixture = join(root, "test", "fixtures", "conformance");

function harness(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src", "conformance", "main.ts"), ...args], {
    encoding: "utf8",
    cwd: root,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("conformance harness", () => {
  it("prints exactly the documented JSON shape", () => {
    const r = harness("--json", "--corpus", fixture);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["total", "passed", "failed", "skipped", "folders", "failures"]);
    expect(out).toMatchObject({ total: 9, passed: 4, failed: 4, skipped: 1 });
    expect(out.folders).toEqual({
      basics: { total: 5, passed: 2, failed: 2, skipped: 1 },
      errors: { total: 4, passed: 2, failed: 2, skipped: 0 },
    });
    for (const f of out.failures) expect(Object.keys(f)).toEqual(["folder", "file", "note", "reason"]);
    expect(out.failures.map((f: { note: string }) => f.note)).toEqual([
      "basics/fail v0 module",
      "basics/fail bad query",
      "v1/errors/broken.yaml",
      "errors/fail expected parse error does not happen",
    ]);
    expect(out.failures[0]).toMatchObject({
      folder: "basics",
      file: "v1/basics/cases.yaml",
      reason: "test-0.rego:2:1: rego_parse_error: `if` keyword is required before rule body",
    });
    expect(out.failures[2].reason).toMatch(/^cannot load v1\/errors\/broken.yaml: /);
    expect(out.failures[3].reason).toBe("expected rego_parse_error, but everything parsed");
  });

  it("prints a table per folder with totals, skips and failures", () => {
    const r = harness("--corpus", fixture);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("folder   total  passed  failed  skipped\nbasics       5       2       2        1\nerrors       4       2       2        0\nTOTAL        9       4       4        1\n");
    expect(r.stdout).toContain("pass rate: 50.00% of 8 cases run");
    expect(r.stdout).toContain("basics: basics/skip marked by the case: needs a feature regent does not have");
  });

  it("filters folders", () => {
    const out = JSON.parse(harness("--json", "--corpus", fixture, "basics").stdout);
    expect(Object.keys(out.folders)).toEqual(["basics"]);
    expect(out.total).toBe(5);
  });

  it("fails under a threshold only when asked", () => {
    const r = harness("--corpus", fixture, "--fail-under", "99");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("pass rate 50.00% is below --fail-under 99%");
    expect(harness("--corpus", fixture, "--fail-under", "50").code).toBe(0);
  });

  it("says so and exits 0 when the corpus is absent", () => {
    const r = harness("--json", "--corpus", join(fixture, "absent"));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("conformance corpus not found at");
    expect(JSON.parse(r.stdout)).toEqual({ total: 0, passed: 0, failed: 0, skipped: 0, folders: {}, failures: [] });
  });

  it("rejects an unknown stage or option", () => {
    expect(harness("--stage", "nope", "--corpus", fixture)).toMatchObject({ code: 2 });
    expect(harness("--bogus")).toMatchObject({ code: 2 });
  });
});
