/**
 * Error codes of the host built-ins and the helpers that build them with OPA's wording, so that the
 * conformance harness can compare codes and messages with OPA's (`sprintf: operand 2 must be array but got string`).
 */
import { RegentError } from "../errors.js";

export const BUILTIN_ERROR_CODES = {
  /** An operand has the wrong type (undefined unless strict, like every built-in error). */
  type: "eval_type_error",
  /** Any other built-in failure: undefined by default, raised in strict mode (OPA's StrictBuiltinErrors). */
  builtin: "eval_builtin_error",
} as const;

/** `name: operand N must be EXPECTED but got GOT`. */
export function operandError(name: string, pos: number, expected: string, got: string): RegentError {
  return new RegentError(BUILTIN_ERROR_CODES.type, `${name}: operand ${pos} must be ${expected} but got ${got}`);
}

/** A type error with a free-form message after the built-in's name. */
export function typeError(name: string, message: string): RegentError {
  return new RegentError(BUILTIN_ERROR_CODES.type, `${name}: ${message}`);
}

export function builtinError(name: string, message: string): RegentError {
  return new RegentError(BUILTIN_ERROR_CODES.builtin, `${name}: ${message}`);
}
