/**
 * Short fuzz runs inside `npm test`, each a few thousand cases from a fixed seed (replayable):
 * the Rego parser, the CheckRequest → input → decision path and the bundle reader. The long
 * runs are `npm run fuzz` (test/reliability/fuzz-main.ts).
 */
import { describe, expect, it } from "vitest";
import { bundleCorpus, checkTarget, fuzzBundles, fuzzChecks, fuzzParser, newTally, regoSources } from "./fuzz-targets.js";
import { prng } from "./lib.js";

describe("fuzz (short, seed 18)", () => {
  it("Rego parser: 3,000 inputs, every one an AST or coded errors", () => {
    const t = newTally();
    fuzzParser(t, prng(18), regoSources(), 3000);
    expect(t.samples).toEqual([]);
    expect(t).toMatchObject({ cases: 3000, crashes: 0 });
  });

  it("CheckRequest → decision: 3,000 requests under fail_mode: allow, no crash, no allow the policy did not decide", async () => {
    const t = newTally();
    await fuzzChecks(t, prng(18), await checkTarget(), 3000);
    expect(t.samples).toEqual([]);
    expect(t).toMatchObject({ cases: 3000, crashes: 0, undecidedAllows: 0 });
  });

  it("bundle reader: 2,000 mutated archives, each a bundle or a coded error; nothing unsigned verifies", async () => {
    const t = newTally();
    await fuzzBundles(t, prng(18), await bundleCorpus(), 2000);
    expect(t.samples).toEqual([]);
    expect(t.crashes).toBe(0);
  }, 300_000);
});
