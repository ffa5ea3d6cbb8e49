/**
 * The parse stage: every module, the query and any `input_term` of a case must parse, except
 * in cases that expect `rego_parse_error`, where some module (or the query) must fail to parse
 * with that code (and, when the case gives `want_error`, with a message it contains).
 */
import { RegentError, RegentErrors } from "../errors.js";
import { parseModule, parseQuery, parseTerm } from "../rego/index.js";
import type { Case } from "./corpus.js";
import type { Stage, StageResult } from "./stages.js";

const PARSE_ERROR = "rego_parse_error";

/** OPA's runner names a case's modules test-0.rego, test-1.rego, ... */
export function moduleFileName(i: number): string {
  return `test-${i}.rego`;
}

function errorsOf(fn: () => unknown): RegentError[] {
  try {
    fn();
    return [];
  } catch (e) {
    if (e instanceof RegentErrors) return e.errors;
    if (e instanceof RegentError) return [e];
    throw e;
  }
}

export function runParseStage(c: Case): StageResult {
  if (c.loadError) return { status: "fail", reason: c.loadError };
  const errors: RegentError[] = [];
  c.modules.forEach((src, i) => errors.push(...parseModule(src, moduleFileName(i)).errors));
  errors.push(...errorsOf(() => parseQuery(c.query, "query")));
  if (c.inputTerm !== undefined) {
    const term = c.inputTerm;
    errors.push(...errorsOf(() => parseTerm(term, "input_term")));
  }

  if (c.wantErrorCode === PARSE_ERROR) {
    const parseErrors = errors.filter((e) => e.code === PARSE_ERROR);
    if (parseErrors.length === 0) return { status: "fail", reason: "expected rego_parse_error, but everything parsed" };
    const want = c.wantError;
    if (want !== undefined && !parseErrors.some((e) => want.includes(e.message) || e.message.includes(want))) {
      return { status: "fail", reason: `expected parse error "${want}", got: ${parseErrors.map(String).join("; ")}` };
    }
    return { status: "pass" };
  }
  if (errors.length > 0) return { status: "fail", reason: errors.map(String).join("; ") };
  return { status: "pass" };
}

export const parseStage: Stage = {
  name: "parse",
  run: async (c) => runParseStage(c),
};
