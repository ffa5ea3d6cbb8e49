/**
 * Error codes of the command line's own checks (paths, files, options). Errors from the
 * stages a verb runs keep their own codes (`rego_parse_error`, `bundle_*`, ...).
 */
import { RegentError, type ErrorLocation } from "../errors.js";

export const CLI_ERROR_CODES = {
  /** A path that does not exist, cannot be read, or is neither a file nor a folder. */
  file: "cli_file_error",
  /** A file that is not valid UTF-8. */
  encoding: "cli_encoding_error",
  /** A bad option value. */
  usage: "cli_usage_error",
} as const;

export function cliError(kind: keyof typeof CLI_ERROR_CODES, message: string, location?: ErrorLocation): RegentError {
  return new RegentError(CLI_ERROR_CODES[kind], message, location);
}
