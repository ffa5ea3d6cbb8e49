/**
 * Error codes of evaluation (src/evaluator). The first three are OPA's run-time codes, raised by
 * the module through `opa_abort` or by host built-ins; the rest are regent's. See docs/errors.md.
 */
import { RegentError, type ErrorLocation } from "../errors.js";

export const EVAL_ERRORS = {
  conflict: "eval_conflict_error",
  type: "eval_type_error",
  builtin: "eval_builtin_error",
  /** The input document is not JSON (e.g. a malformed ArrayBuffer). */
  input: "evaluator_input_error",
  /** The data document cannot be loaded. */
  data: "evaluator_data_error",
  /** The requested entrypoint does not exist in the module. */
  entrypoint: "evaluator_entrypoint_error",
  /** The module cannot be loaded (not wasm, wrong ABI, missing imports). */
  load: "evaluator_load_error",
  /** The module trapped or failed in a way that is no policy error (a bug or resource exhaustion). */
  internal: "evaluator_internal_error",
} as const;

const ABORT = /^([a-z_]+_error): (?:(.+):(\d+):(\d+): )?([\s\S]*)$/;

/**
 * Turns what the SDK throws (an abort string `<code>: [<file>:<row>:<col>: ]<message>`, a host
 * built-in's RegentError, a wasm trap, a string from the SDK itself) into a RegentError.
 */
export function toRegentError(thrown: unknown, fallback: string = EVAL_ERRORS.internal): RegentError {
  if (thrown instanceof RegentError) return thrown;
  if (typeof thrown === "string") {
    const m = ABORT.exec(thrown);
    if (m) {
      const location: ErrorLocation | undefined = m[2] !== undefined ? { file: m[2], row: Number(m[3]), col: Number(m[4]) } : undefined;
      return new RegentError(m[1], m[5], location);
    }
    return new RegentError(fallback, thrown);
  }
  if (thrown instanceof WebAssembly.RuntimeError || thrown instanceof RangeError) {
    return new RegentError(EVAL_ERRORS.internal, `evaluation failed: ${thrown.message}`);
  }
  if (thrown instanceof Error) return new RegentError(fallback, thrown.message);
  const message = thrown && typeof thrown === "object" && "message" in thrown ? String((thrown as { message: unknown }).message) : String(thrown);
  return new RegentError(fallback, message);
}
