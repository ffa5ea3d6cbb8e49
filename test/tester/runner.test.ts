/**
 * The test runner through the real compiler and the real wasm loader: pass, fail (false,
 * undefined, non-true value), evaluation errors, `with` mocking of input, data and functions,
 * --run filtering, todo_ tests, duplicate names, and compile errors.
 */
import { describe, expect, it, beforeAll } from "vitest";
import { runTests, type TestRun } from "../../src/tester/runner.js";
import { RegentErrors } from "../../src/errors.js";

const POLICY = `package app

default allow := false

allow if {
	is_admin(input.user)
}

is_admin(u) if u in data.app.admins

limit := count(data.app.admins)
`;

const TESTS = `package app

test_admin_allowed if allow with input.user as "alice"

test_data_mock if allow with input.user as "zed" with data.app.admins as ["zed"]

test_function_mock if allow with input.user as "nobody" with is_admin as mock_true

mock_true(_) := true

test_deliberately_false if allow with input.user as "mallory"

test_undefined if input.missing == 1

test_not_true := 7

test_explicit_false := false

test_conflict if {
	x := {"a": 1, "a": 2}
	x.a
}

todo_later if false
`;

let run: TestRun;
beforeAll(async () => {
  run = await runTests([{ path: "p/app.rego", source: POLICY }, { path: "p/app_test.rego", source: TESTS }], { app: { admins: ["alice"] } });
}, 120_000);

const result = (name: string) => run.results.find((r) => r.rule === name)!;

describe("runTests", () => {
  it("passes defined-and-true tests, including with-mocks of input, data and a function", () => {
    expect(result("test_admin_allowed")).toMatchObject({ status: "pass", name: "data.app.test_admin_allowed" });
    expect(result("test_data_mock").status).toBe("pass");
    expect(result("test_function_mock").status).toBe("pass");
  });

  it("fails false, undefined and non-true results with the rule's location and a reason", () => {
    // A body whose expression is false makes the test undefined, as in OPA.
    expect(result("test_deliberately_false")).toMatchObject({ status: "fail", reason: expect.stringMatching(/^undefined/), location: { file: "p/app_test.rego", row: 11, col: 1 } });
    expect(result("test_explicit_false")).toMatchObject({ status: "fail", reason: "false" });
    expect(result("test_undefined")).toMatchObject({ status: "fail", reason: expect.stringMatching(/^undefined/), location: { row: 13 } });
    expect(result("test_not_true")).toMatchObject({ status: "fail", reason: "not true: 7" });
  });

  it("reports an evaluation error as ERROR with its code", () => {
    expect(result("test_conflict")).toMatchObject({ status: "error", reason: expect.stringMatching(/object keys must be unique|eval_conflict_error/) });
  });

  it("lists todo_ rules as skipped and records durations", () => {
    expect(result("todo_later")).toMatchObject({ status: "skip" });
    expect(result("test_admin_allowed").durationNs).toBeGreaterThan(0);
  });

  it("filters with --run and reports when nothing matches", async () => {
    const r = await runTests([{ path: "a.rego", source: POLICY }, { path: "t.rego", source: TESTS }], { app: { admins: [] } }, { run: /data_mock/ });
    expect(r.results.map((x) => x.rule)).toEqual(["test_data_mock"]);
    await expect(runTests([{ path: "a.rego", source: POLICY }], {}, {})).rejects.toMatchObject({ code: "tester_no_tests_error" });
  }, 120_000);

  it("refuses to merge two tests with the same name", async () => {
    const r = await runTests([{ path: "t.rego", source: "package t\n\ntest_x if true\n\ntest_x if false\n" }], {});
    expect(r.results).toMatchObject([{ rule: "test_x", status: "error", reason: expect.stringMatching(/defined 2 times/) }]);
  }, 120_000);

  it("throws compile errors with locations", async () => {
    const err = await runTests([{ path: "bad_test.rego", source: "package t\n\ntest_x if {\n\ty == 1\n}\n" }], {}).catch((e) => e);
    expect(err).toBeInstanceOf(RegentErrors);
    expect(String(err.errors[0])).toMatch(/^bad_test\.rego:4:\d+: rego_unsafe_var_error/);
  }, 120_000);
});
