/**
 * The opa-test-like text report and the JSON form, from hand-made results.
 */
import { describe, expect, it } from "vitest";
import { formatDuration, formatText, summarize, toJson } from "../../src/tester/report.js";
import type { TestResult } from "../../src/tester/runner.js";

const mk = (rule: string, status: TestResult["status"], row: number, reason?: string): TestResult => ({
  name: `data.p.${rule}`, pkg: "data.p", rule, entrypoint: `p/${rule}`, location: { file: "p_test.rego", row, col: 1 },
  skip: status === "skip", definitions: 1, status, reason, durationNs: 1_500_000,
});

describe("report", () => {
  it("prints only the summary when everything passes", () => {
    expect(formatText([mk("test_a", "pass", 3), mk("test_b", "pass", 5)], false)).toBe("PASS: 2/2\n");
  });

  it("prints failures with location and reason, then counts", () => {
    const text = formatText([mk("test_a", "pass", 3), mk("test_b", "fail", 5, "false"), mk("test_c", "error", 7, "eval_conflict_error: x"), mk("todo_d", "skip", 9)], false);
    expect(text).toBe([
      "FAILURES", "-".repeat(80),
      "p_test.rego:5:1: data.p.test_b: FAIL (1.5ms)", "  false", "",
      "p_test.rego:7:1: data.p.test_c: ERROR (1.5ms)", "  eval_conflict_error: x", "",
      "-".repeat(80), "PASS: 1/4", "FAIL: 1/4", "ERROR: 1/4", "SKIPPED: 1/4", "",
    ].join("\n"));
  });

  it("lists every test by file under -v", () => {
    expect(formatText([mk("test_a", "pass", 3)], true)).toBe("p_test.rego:\ndata.p.test_a: PASS (1.5ms)\n" + "-".repeat(80) + "\nPASS: 1/1\n");
  });

  it("formats durations like Go and summarises as JSON", () => {
    expect([formatDuration(845_000), formatDuration(1_203_000), formatDuration(2_500_000_000)]).toEqual(["845µs", "1.203ms", "2.5s"]);
    const j = toJson([mk("test_a", "fail", 3, "undefined")]);
    expect(j.summary).toEqual(summarize([mk("test_a", "fail", 3)]));
    expect(j.tests[0]).toEqual({ name: "data.p.test_a", package: "data.p", rule: "test_a", location: { file: "p_test.rego", row: 3, col: 1 }, status: "fail", reason: "undefined", duration_ns: 1_500_000 });
  });
});
