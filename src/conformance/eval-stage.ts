/**
 * The evaluation stages: each case goes through regent's compiler, the wasm backend and the
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

/**
 * The portability stage: the same cases in the published opa-wasm SDK with nothing of regent's
 * (no host built-ins). A case that needs a built-in OPA's own modules also take from their host
 * (SDK-dependent in OPA's wasm docs) and fails for that is counted apart, with that reason.
 */
export const sdkStage: Stage = {
  name: "sdk",
  async run(c: Case) {
    if (c.loadError) return { status: "fail", reason: c.loadError };
    return runEvalCase(c.raw as unknown as EvalCaseInput, "stock");
  },
};
