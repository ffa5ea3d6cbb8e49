// The evaluation stage: cases go through the real compiler, backend and opa-wasm SDK.
import { describe, expect, it } from "vitest";
import { runEvalCase } from "../../src/conformance/eval-case.js";

const mod = (body: string) => [`package test\n\n${body}\n`];

describe("runEvalCase", () => {
  it("passes a case whose result matches and fails one whose result does not", async () => {
    const c = { note: "n", query: "data.test.p = x", modules: mod("p := input.a + 1"), input: { a: 1 } };
    expect(await runEvalCase({ ...c, want_result: [{ x: 2 }] })).toEqual({ status: "pass" });
    expect(await runEvalCase({ ...c, want_result: [{ x: 3 }] })).toMatchObject({ status: "fail" });
  });

  it("treats an empty want_result as undefined", async () => {
    const c = { note: "n", query: "data.test.p = x", modules: mod("p if input.nope"), input: {}, want_result: [] };
    expect(await runEvalCase(c)).toEqual({ status: "pass" });
  });

  it("runs queries that are not a single rule reference as a module", async () => {
    const c = { note: "n", query: "data.test.xs[i] = x; x > 1", modules: mod("xs := [1, 2, 3]"), sort_bindings: true };
    expect(await runEvalCase({ ...c, want_result: [{ i: 1, x: 2 }, { i: 2, x: 3 }] })).toEqual({ status: "pass" });
  });

  it("matches expected error codes", async () => {
    const c = { note: "n", query: "data.test.p = x", modules: mod("p := 1 if input.a\np := 2 if input.a"), input: { a: true } };
    expect(await runEvalCase({ ...c, want_error_code: "eval_conflict_error" })).toEqual({ status: "pass" });
    expect(await runEvalCase({ ...c, want_error_code: "eval_type_error" })).toMatchObject({ status: "fail" });
  });

  it("fails, never skips, a case the harness's skip list does not name (here one that needs http.send)", async () => {
    const c = { note: "n", query: "data.test.p = x", modules: mod(`p := http.send({"method": "GET", "url": "http://x"})`) };
    expect(await runEvalCase(c)).toMatchObject({ status: "fail", reason: expect.stringMatching(/http\.send/) });
  });
});

describe("the skip list", () => {
  it("names each skipped case by folder and note, with a reason, and every entry matches a corpus case", async () => {
    const { SKIPS } = await import("../../src/conformance/skips.js");
    const { loadCorpus } = await import("../../src/conformance/corpus.js");
    const { DEFAULT_CORPUS } = await import("../../src/conformance/main.js");
    const cases = await loadCorpus(DEFAULT_CORPUS, [...new Set(SKIPS.map((s) => s.folder))]);
    for (const s of SKIPS) {
      expect(s.note, s.folder).toBeDefined();
      expect(s.reason.length).toBeGreaterThan(20);
      expect(cases.some((c) => c.folder === s.folder && c.note === s.note), `${s.folder}: ${s.note}`).toBe(true);
    }
  });
});
