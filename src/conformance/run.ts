/**
 * Runs one stage over a list of cases: applies the skip list, and turns a stage that throws
 * into a failing case rather than a crashed harness.
 */
import type { Case } from "./corpus.js";
import { skipReason, SKIPS, type Skip } from "./skips.js";
import type { Stage, StageResult } from "./stages.js";

export async function runStage(stage: Stage, cases: Case[], skips: readonly Skip[] = SKIPS): Promise<{ c: Case; r: StageResult }[]> {
  const results: { c: Case; r: StageResult }[] = [];
  for (const c of cases) {
    const reason = c.loadError ? undefined : skipReason(stage.name, c, skips);
    if (reason !== undefined) {
      results.push({ c, r: { status: "skip", reason } });
      continue;
    }
    let r: StageResult;
    try {
      r = await stage.run(c);
    } catch (err) {
      r = { status: "fail", reason: `stage ${stage.name} threw: ${err instanceof Error ? err.message : String(err)}` };
    }
    results.push({ c, r });
  }
  return results;
}
