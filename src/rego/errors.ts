/**
 * The error codes of the Rego front end. Messages follow OPA's wording where OPA has one,
 * because the conformance corpus and users coming from `opa check` compare them.
 */
import { RegentError, type ErrorLocation } from "../errors.js";

export const REGO_ERROR_CODES = {
  /** Any syntax error, a v0-only construct, or a METADATA block that is not valid YAML. */
  parse: "rego_parse_error",
} as const;

/** OPA stops reporting after this many errors; so does regent, with one final "error limit reached". */
export const MAX_PARSE_ERRORS = 10;

export function parseError(message: string, location?: ErrorLocation): RegentError {
  return new RegentError(REGO_ERROR_CODES.parse, message, location);
}
