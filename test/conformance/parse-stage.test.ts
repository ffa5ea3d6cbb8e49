// Tests for src/conformance/parse-stage.ts, in process, on hand-made cases.
import { describe, expect, it } from "vitest";
import { toCase } from "../../src/conformance/corpus.js";
import { runParseStage } from "../../src/conformance/parse-stage.js";

const mk = (raw: Record<string, unknown>) => toCase("f", "f/x.yaml", { query: "data.t.p = x", ...raw }, 0);

describe("parse stage", () => {
  it("passes when every module, the query and the input_term parse", () => {
    expect(runParseStage(mk({ modules: ["package t\np := 1\n"], input_term: "[1, {2}]" }))).toEqual({ status: "pass" });
  });

  it("fails with the errors when a module does not parse", () => {
    const r = runParseStage(mk({ modules: ["package t\np := 1\n", "package t\nq := [\n"] }));
    expect(r.status).toBe("fail");
    expect(r.reason).toContain("test-1.rego:3:1: rego_parse_error: unexpected eof token");
  });

  it("fails on a bad input_term", () => {
    expect(runParseStage(mk({ modules: [], input_term: "{1: }" })).status).toBe("fail");
  });

  it("wants a parse error when the case expects rego_parse_error, matching want_error if given", () => {
    const broken = { modules: ["package t\np := 01\n"], want_error_code: "rego_parse_error" };
    expect(runParseStage(mk(broken)).status).toBe("pass");
    expect(runParseStage(mk({ ...broken, want_error: "expected number without leading zero" })).status).toBe("pass");
    const wrong = runParseStage(mk({ ...broken, want_error: "something else" }));
    expect(wrong.status).toBe("fail");
    expect(wrong.reason).toContain('expected parse error "something else"');
  });

  it("reports a malformed case instead of crashing", () => {
    const r = runParseStage(toCase("f", "f/x.yaml", { note: "n", modules: [1, 2] }, 0));
    expect(r).toEqual({ status: "fail", reason: "malformed case: modules must be a list of strings; query must be a string" });
  });
});
