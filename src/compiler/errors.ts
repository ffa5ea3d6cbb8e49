/**
 * The compiler's error codes (OPA's) and helpers to raise them at a node's location.
 * Stages collect errors rather than throw; `compile()` throws them together, sorted and capped.
 */
import { RegentError } from "../errors.js";
import type { Location } from "../rego/ast.js";

export const COMPILE_ERROR = "rego_compile_error";
export const TYPE_ERROR = "rego_type_error";
export const UNSAFE_VAR_ERROR = "rego_unsafe_var_error";
export const RECURSION_ERROR = "rego_recursion_error";

/** OPA stops reporting after this many errors. */
export const MAX_ERRORS = 10;

export function errorAt(code: string, message: string, loc: Location | undefined): RegentError {
  return new RegentError(code, message, loc ? { file: loc.file, row: loc.row, col: loc.col } : undefined);
}

/** Collects errors for one compilation; a stage pushes here instead of throwing. */
export class ErrorList {
  readonly errors: RegentError[] = [];
  private readonly seen = new Set<string>();

  add(code: string, message: string, loc: Location | undefined): void {
    const err = errorAt(code, message, loc);
    const key = err.toString();
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.errors.push(err);
  }

  get length(): number {
    return this.errors.length;
  }
}
