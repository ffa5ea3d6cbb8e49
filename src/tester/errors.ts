/**
 * The error codes of `regent test` (documented in docs/errors.md). Compile errors keep the
 * compiler's own codes; these cover the tester's own failures.
 */
import { RegentError } from "../errors.js";

export const TESTER_ERROR_CODES = {
  /** A bad option: an invalid --run regular expression or --format. */
  usage: "tester_usage_error",
  /** No `test_*` rules were found (or none matched --run). */
  noTests: "tester_no_tests_error",
  /** Inputs could not be loaded (missing path, unreadable file, bad data file). */
  input: "tester_input_error",
} as const;

export function testerError(kind: keyof typeof TESTER_ERROR_CODES, message: string): RegentError {
  return new RegentError(TESTER_ERROR_CODES[kind], message);
}
