/**
 * `regent test`: the reference policies pass; a deliberately failing test is reported with its
 * file:row:col; -v lists every test with a duration; --run, --format json and --coverage;
 * exit codes 0 (pass, or no tests), 2 (failure), 1 (compile error, or no tests with --fail-on-empty).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTestCommand } from "../../src/cli/test.js";
import { runVerbProcess } from "./cli-harness.js";

const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "regent-cli-test-"));
  await mkdir(join(dir, "p", "app"), { recursive: true });
  await writeFile(join(dir, "p", "app.rego"), "package app\n\nallow if input.user in data.app.admins\n");
  await writeFile(join(dir, "p", "app", "data.json"), '{"admins": ["alice"]}');
  await writeFile(join(dir, "p", "app_test.rego"), 'package app\n\ntest_alice if allow with input.user as "alice"\n\ntest_bob_deliberately_fails if allow with input.user as "bob"\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("regent test", () => {
  it("passes the reference policies in policies/ with the ai-gateway data", async () => {
    const r = await runTestCommand(["policies", "bundles/ai-gateway"], { cwd: ROOT });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^PASS: (\d+)\/\1\n$/);
    expect(r.code).toBe(0);
  }, 180_000);

  it("reports a failing test with its location, exits 2, and prints every test under -v", async () => {
    const r = await runTestCommand(["p"], { cwd: dir, verbose: true });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^FAILURES\n-{80}\np\/app_test\.rego:5:1: data\.app\.test_bob_deliberately_fails: FAIL \(\d+(\.\d+)?(µs|ms)\)\n {2}undefined/);
    expect(r.stdout).toMatch(/SUMMARY\n-{80}\np\/app_test\.rego:\ndata\.app\.test_alice: PASS \(\d+(\.\d+)?(µs|ms)\)\ndata\.app\.test_bob_deliberately_fails: FAIL/);
    expect(r.stdout).toMatch(/\nPASS: 1\/2\nFAIL: 1\/2\n$/);
  }, 120_000);

  it("filters with --run and prints JSON with coverage", async () => {
    const r = await runTestCommand(["p"], { cwd: dir, run: "test_alice$", format: "json", coverage: true });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.summary).toEqual({ total: 1, pass: 1, fail: 0, error: 0, skip: 0 });
    expect(j.tests[0]).toMatchObject({ name: "data.app.test_alice", status: "pass", location: { file: "p/app_test.rego", row: 3, col: 1 } });
    expect(j.coverage.files).toEqual([{ file: "p/app.rego", covered: [3], not_covered: [], coverage: 100 }]);
  }, 120_000);

  it("exits 1 with located errors on a compile error, and on bad options", async () => {
    await writeFile(join(dir, "bad_test.rego"), "package bad\n\ntest_x if {\n\tq == 1\n}\n");
    const r = await runTestCommand(["bad_test.rego"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 error occurred:\nbad_test\.rego:4:\d+: rego_unsafe_var_error/);
    expect((await runTestCommand(["p"], { cwd: dir, run: "(" })).stderr).toMatch(/tester_usage_error: --run "\(" is not a valid regular expression/);
    expect((await runTestCommand(["nope"], { cwd: dir })).stderr).toMatch(/tester_input_error: input .*nope: no such file or folder/);
  }, 120_000);

  it("reports a broken module with no tests as its error, and no tests as success unless --fail-on-empty", async () => {
    await writeFile(join(dir, "broken.rego"), "package broken\n\np if { y > 1 }\n");
    const broken = await runTestCommand(["broken.rego"], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.rego:3:8: rego_unsafe_var_error: var y is unsafe/);
    await writeFile(join(dir, "plain.rego"), "package plain\n\nq := 1\n");
    expect(await runTestCommand(["plain.rego"], { cwd: dir })).toMatchObject({ code: 0, stdout: "", stderr: "no test rules (test_*) found\n" });
    expect(JSON.parse((await runTestCommand(["plain.rego"], { cwd: dir, format: "json" })).stdout).summary.total).toBe(0);
    const strict = await runTestCommand(["plain.rego"], { cwd: dir, failOnEmpty: true });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/tester_no_tests_error: no test rules/);
  }, 120_000);

  it("runs through commander in a real process", () => {
    const r = runVerbProcess("test.ts", ["test", "-v", "--run", "alice", "p"], dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/data\.app\.test_alice: PASS/);
    expect(r.code).toBe(0);
  }, 180_000);
});
