/**
 * toRegentError: what the SDK throws (abort strings, host errors, traps) → RegentError.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EVAL_ERRORS, toRegentError } from "../../src/evaluator/errors.js";
import { RegentError } from "../../src/errors.js";

const docs = readFileSync(resolve(import.meta.dirname, "../../docs/errors.md"), "utf8");

describe("evaluator error codes", () => {
  it.each(Object.values(EVAL_ERRORS))("%s is documented", (code) => {
    expect(docs).toContain(`| \`${code}\` |`);
  });
  it("are OPA's eval_* codes or evaluator_<kind>_error", () => {
    for (const code of Object.values(EVAL_ERRORS)) expect(code).toMatch(/^(eval|evaluator)_[a-z]+_error$/);
  });
});

describe("toRegentError", () => {
  it("parses abort messages with and without a location", () => {
    const a = toRegentError("eval_conflict_error: policies/a b.rego:12:7: object keys must be unique");
    expect(a.code).toBe("eval_conflict_error");
    expect(a.location).toEqual({ file: "policies/a b.rego", row: 12, col: 7 });
    expect(a.message).toBe("object keys must be unique");
    const b = toRegentError("eval_builtin_error: div: divide by zero");
    expect(b.code).toBe("eval_builtin_error");
    expect(b.location).toBeUndefined();
    expect(b.message).toBe("div: divide by zero");
    const c = toRegentError("C:\\x.rego:1:2: weird");
    expect(c.code).toBe(EVAL_ERRORS.internal);
  });

  it("keeps RegentErrors and wraps traps, errors and odd values", () => {
    const r = new RegentError("eval_type_error", "x");
    expect(toRegentError(r)).toBe(r);
    expect(toRegentError(new WebAssembly.RuntimeError("unreachable")).code).toBe(EVAL_ERRORS.internal);
    expect(toRegentError(new RangeError("Maximum call stack size exceeded")).message).toContain("call stack");
    expect(toRegentError({ message: "not implemented: built-in function 0: x" }).message).toContain("not implemented");
    expect(toRegentError(42, EVAL_ERRORS.load).code).toBe(EVAL_ERRORS.load);
  });
});
