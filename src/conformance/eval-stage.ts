/**
 * The evaluation stage: each case goes through regent's compiler, the wasm backend and the
 * published opa-wasm SDK (see eval-case.ts), and its result is compared with the case's.
 */
import type { Case } from "./corpus.js";
import { runEvalCase, type EvalCaseInput } from "./eval-case.js";
import type { Stage } from "./stages.js";

export const evalStage: Stage = {
  name: "eval",
  async run(c: Case) {
    if (c.loadError) return { status: "fail", reason: c.loadError };
    return runEvalCase(c.raw as unknown as EvalCaseInput);
  },
};
