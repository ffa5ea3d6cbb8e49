/**
 * Coverage by instrumented build: partial coverage is reported line by line, an expression
 * that was evaluated but failed is not covered, heads count when the rule produced a value,
 * and the instrumented run gives every test the same outcome as the plain run.
 */
import { describe, expect, it } from "vitest";
import { runTests } from "../../src/tester/runner.js";
import { measureCoverage, ranges, formatCoverage } from "../../src/tester/coverage.js";
import { instrument } from "../../src/tester/instrument.js";
import { parseSources } from "../../src/compiler/index.js";

const POLICY = `package app

allow if {
	input.user == "alice"
	input.action == "read"
}

deny if {
	input.user == "mallory"
}

label := x if {
	some r in input.roles
	x := upper(r)
} else := "none"

names := [n | some n in input.names; n != "x"] if input.names
`;

const TESTS = `package app

test_alice_reads if allow with input as {"user": "alice", "action": "read"}

test_alice_cannot_write if not allow with input as {"user": "alice", "action": "write"}

test_label_else if label == "none" with input as {"roles": []}
`;

describe("instrument", () => {
  it("inserts a probe after every expression, wrapping brace-less bodies, and leaves test files alone", () => {
    const sources = [{ path: "app.rego", source: POLICY }, { path: "app_test.rego", source: TESTS }];
    const inst = instrument(sources, parseSources(sources), (f) => !f.endsWith("_test.rego"));
    const text = inst.sources[0].source;
    expect(text).toContain('input.user == "alice"; json.marshal_with_options([0], {"regent_coverage_probe": true})');
    expect(text).toContain('some r in input.roles; json.marshal_with_options([3, r], {"regent_coverage_probe": true})');
    expect(text).toContain('x := upper(r); json.marshal_with_options([4, r, x], {"regent_coverage_probe": true})');
    expect(text).toMatch(/if \{ input\.names; json\.marshal_with_options\(\[5\], /);
    expect(inst.sources[1].source).toBe(TESTS);
    expect([...inst.coverable.get("app.rego")!].sort((a, b) => a - b)).toEqual([3, 4, 5, 8, 9, 12, 13, 14, 17]);
  });
});

describe("measureCoverage", () => {
  it("reports covered and not covered lines, and agrees with the plain run", async () => {
    const sources = [{ path: "app.rego", source: POLICY }, { path: "app_test.rego", source: TESTS }];
    const run = await runTests(sources, {});
    expect(run.results.map((r) => r.status)).toEqual(["pass", "pass", "pass"]);
    const cov = await measureCoverage(sources, {}, run);
    expect(cov.mismatches).toEqual([]);
    const file = cov.files.find((f) => f.file === "app.rego")!;
    // allow (3-5) ran to completion; deny (8-9) never ran; label's first body found no role
    // (12-14 not covered) and its else gave the value; names (17) was never evaluated.
    expect(file.covered).toEqual([3, 4, 5]);
    expect(file.not_covered).toEqual([8, 9, 12, 13, 14, 17]);
    expect(file.coverage).toBe(33.33);
    expect(cov.files.map((f) => f.file)).toEqual(["app.rego"]);
    expect(formatCoverage(cov)).toContain("app.rego: 33.33% (3/9 lines)\n  not covered: 8-9, 12-14, 17");
  }, 120_000);

  it("compresses rows into ranges", () => {
    expect(ranges([1, 2, 3, 5, 7, 8])).toBe("1-3, 5, 7-8");
  });
});
