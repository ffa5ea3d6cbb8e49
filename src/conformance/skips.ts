/**
 * Cases a stage skips on purpose, each with its reason. Nothing is skipped silently: the
 * report counts every skip, and only cases matched here (or with their own `skip`) are skipped.
 */
import type { Case } from "./corpus.js";

export interface Skip {
  /** The stage it applies to, or "*" for all. */
  stage: string;
  folder: string;
  /** The case's note; omitted to skip the whole folder. */
  note?: string;
  reason: string;
}

export const SKIPS: readonly Skip[] = [
  {
    stage: "*",
    folder: "negation",
    note: "negation/not-body: negated call with vars, call evaluates",
    reason: "`not { ... }` bodies need `future.keywords.not`, a keyword OPA has not released",
  },
  {
    stage: "*",
    folder: "negation",
    note: "negation/not-body: negated call with vars, call fails",
    reason: "`not { ... }` bodies need `future.keywords.not`, a keyword OPA has not released",
  },
  {
    stage: "*",
    folder: "negation",
    note: "negation/not-body: negated call with vars, undefined operands",
    reason: "`not { ... }` bodies need `future.keywords.not`, a keyword OPA has not released",
  },
  {
    stage: "*",
    folder: "negation",
    note: "negation/rego_v2_import: not body, one expression false",
    reason: "`import rego.v2` (Rego v2 preview) is not released in OPA 1.x",
  },
  {
    stage: "*",
    folder: "negation",
    note: "negation/rego_v2_import: not body, all expressions true",
    reason: "`import rego.v2` (Rego v2 preview) is not released in OPA 1.x",
  },
];

/** The reason `stage` skips `c`, or undefined. */
export function skipReason(stage: string, c: Case, skips: readonly Skip[] = SKIPS): string | undefined {
  if (c.skip !== undefined) return typeof c.skip === "string" ? c.skip : "the case is marked skip";
  const s = skips.find((k) => (k.stage === "*" || k.stage === stage) && k.folder === c.folder && (k.note === undefined || k.note === c.note));
  return s?.reason;
}
