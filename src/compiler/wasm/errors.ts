/**
 * Error codes of the wasm backend (src/compiler/wasm). Documented in docs/errors.md.
 */
import { RegentError, type ErrorLocation } from "../../errors.js";
import type { Loc } from "../ir/ir.js";

export const WASM_ERRORS = {
  /** A call to a built-in that neither the runtime nor the host table provides. */
  builtin: "wasm_builtin_error",
  /** The IR handed to the backend is malformed (unknown function, bad local, arity…). */
  ir: "wasm_ir_error",
  /** The prebuilt runtime is missing or does not link/validate. */
  runtime: "wasm_runtime_error",
} as const;

export function wasmError(kind: keyof typeof WASM_ERRORS, message: string, loc?: Loc): RegentError {
  const location: ErrorLocation | undefined = loc ? { file: loc.file, row: loc.row, col: loc.col } : undefined;
  return new RegentError(WASM_ERRORS[kind], message, location);
}
