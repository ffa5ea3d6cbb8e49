/**
 * What a conformance stage is, and the stages the harness knows. A stage judges one case.
 * Adding one (the compiler's eval stage) is one line in `STAGES`; loaders import lazily, so
 * `--stage parse` never loads the compiler.
 */
import type { Case } from "./corpus.js";
import { parseStage } from "./parse-stage.js";

export interface StageResult {
  status: "pass" | "fail" | "skip";
  reason?: string;
}

export interface Stage {
  name: string;
  run(c: Case): Promise<StageResult>;
}

/** Stage name to loader, e.g. `eval: async () => (await import("./eval-stage.js")).evalStage`. */
export const STAGES: Record<string, () => Promise<Stage>> = {
  parse: async () => parseStage,
  eval: async () => (await import("./eval-stage.js")).evalStage,
  sdk: async () => (await import("./eval-stage.js")).sdkStage,
};

export function stageNames(): string[] {
  return Object.keys(STAGES);
}

export async function loadStage(name: string): Promise<Stage | undefined> {
  return Object.hasOwn(STAGES, name) ? STAGES[name]() : undefined;
}
