/**
 * The one list of cases a stage skips on purpose, each named by folder and note, with its
 * reason. Nothing is skipped silently or by matching an error: the report counts every skip,
 * and only cases listed here (or marked `skip` in the corpus) are skipped.
 */
import type { Case } from "./corpus.js";

export interface Skip {
  /** The stages it applies to; "*" for all. */
  stages: readonly string[] | "*";
  folder: string;
  /** The case's note; omitted to skip the whole folder. */
  note?: string;
  reason: string;
}

/** The stages that evaluate cases: through regent's host, and through the stock SDK alone. */
const EVALUATING = ["eval", "sdk"];
const INPUT_SET = "the case's input_term holds a set, which JSON input (the Wasm ABI's only form of input) cannot carry";
const HTTP_SEND = "uses http.send, which needs network access that no Wasm target has; regent refuses it at compile time";

export const SKIPS: readonly Skip[] = [
  { stages: EVALUATING, folder: "inputvalues", note: "inputvalues/input set", reason: INPUT_SET },
  { stages: EVALUATING, folder: "jsonremove", note: "jsonremove/error invalid paths type set with objects", reason: INPUT_SET },
  { stages: EVALUATING, folder: "invalidkeyerror", note: "invalidkeyerror/missing keys", reason: HTTP_SEND },
  { stages: EVALUATING, folder: "withkeyword", note: "withkeyword/builtin: http.send example", reason: HTTP_SEND },
  { stages: EVALUATING, folder: "withkeyword", note: "withkeyword/builtin: nested, multiple mocks", reason: HTTP_SEND },
  {
    stages: EVALUATING,
    folder: "withkeyword",
    note: "withkeyword/builtin-builtin: arity 0",
    reason: "uses opa.runtime, which describes an OPA process; a Wasm module has none, and regent refuses it at compile time",
  },
];

/** The reason `stage` skips `c`, or undefined. */
export function skipReason(stage: string, c: Case, skips: readonly Skip[] = SKIPS): string | undefined {
  if (c.skip !== undefined) return typeof c.skip === "string" ? c.skip : "the case is marked skip";
  const s = skips.find((k) => (k.stages === "*" || k.stages.includes(stage)) && k.folder === c.folder && (k.note === undefined || k.note === c.note));
  return s?.reason;
}
