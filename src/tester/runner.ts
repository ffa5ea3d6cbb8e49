/**
 * Runs tests through the production path: every selected test rule becomes an entrypoint of
 * ONE compiled module, loaded with the same loader and host built-ins as the sidecar, and each
 * is evaluated with no input. A test passes when its result is defined and exactly `true`.
 */
import { performance } from "node:perf_hooks";
import { compile, parseSources } from "../compiler/index.js";
import { ruleEntrypoints } from "../compiler/plan.js";
import { RegentError } from "../errors.js";
import { loadPolicy, type LoadedPolicy } from "../evaluator/index.js";
import type { Module } from "../rego/ast.js";
import { discoverTests, type TestCase } from "./discover.js";
import { testerError } from "./errors.js";

export type TestStatus = "pass" | "fail" | "error" | "skip";

export interface TestResult extends TestCase {
  status: TestStatus;
  /** Why it did not pass: "undefined", "false", a value, or the error text. */
  reason?: string;
  durationNs: number;
}

export interface RunOptions {
  /** Only tests whose full name (`data.pkg.test_x`) matches. */
  run?: RegExp;
}

export interface TestRun {
  results: TestResult[];
  modules: Module[];
  /** The loaded module, kept for coverage probing. */
  policy: LoadedPolicy | null;
  compileMs: number;
}

const short = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

/** Evaluates one test entrypoint and classifies the outcome. */
export function runOne(policy: LoadedPolicy, test: TestCase): TestResult {
  if (test.definitions > 1) {
    return { ...test, status: "error", reason: `${test.rule} is defined ${test.definitions} times in ${test.pkg}; each test needs its own name`, durationNs: 0 };
  }
  const t0 = performance.now();
  let status: TestStatus;
  let reason: string | undefined;
  try {
    const rs = policy.evaluate(undefined, test.entrypoint);
    if (rs.length === 0) {
      status = "fail";
      reason = "undefined (a body expression was false or undefined)";
    } else if (rs[0].result === true) {
      status = "pass";
    } else {
      status = "fail";
      reason = rs[0].result === false ? "false" : `not true: ${short(rs[0].result)}`;
    }
  } catch (err) {
    status = "error";
    reason = err instanceof RegentError ? err.toString() : String(err);
  }
  return { ...test, status, reason, durationNs: Math.round((performance.now() - t0) * 1e6) };
}

/**
 * Parses, discovers, compiles all selected tests at once and runs them. Parse and compile
 * errors are thrown as `RegentErrors` (the CLI exits 1 on them).
 */
export async function runTests(sources: { path: string; source: string }[], data: Record<string, unknown>, options: RunOptions = {}): Promise<TestRun> {
  const modules = parseSources(sources);
  const all = discoverTests(modules).filter((t) => !options.run || options.run.test(t.name));
  if (all.length === 0) {
    // Compile every rule anyway: a broken module must be reported as what it is, not as "no tests".
    const rules = ruleEntrypoints(modules);
    if (rules.length > 0) await compile({ modules: sources, entrypoints: rules, annotatedEntrypoints: false });
    throw testerError("noTests", options.run ? `no tests match --run ${options.run.source}` : "no test rules (test_*) found");
  }
  const runnable = all.filter((t) => !t.skip && t.definitions === 1);
  const t0 = performance.now();
  let policy: LoadedPolicy | null = null;
  if (runnable.length > 0) {
    const compiled = await compile({ modules: sources, entrypoints: runnable.map((t) => t.entrypoint), annotatedEntrypoints: false });
    policy = await loadPolicy(compiled.wasm);
    policy.setData(data);
  }
  const compileMs = performance.now() - t0;
  const results = all.map((t): TestResult => (t.skip ? { ...t, status: "skip", durationNs: 0 } : runOne(policy!, t)));
  return { results, modules, policy, compileMs };
}
