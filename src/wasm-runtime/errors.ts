// Run-time errors: every one ends in `opa_abort("<code>: <loc>: <message>")`, which the SDK
// throws as a string and the loader turns into a RegentError. The backend sets the current
// location before each native call, so natives never deal with locations. Built-in errors
// (type errors included) abort only under OPA's strict built-in errors; otherwise they make the
// call undefined, as OPA's evaluator does by default, and the built-in returns their 0.

import { alloc } from "./alloc";
import { literal_utf8_len, literal_write } from "./utf8";
import { type_name_of } from "./value";

@external("env", "opa_abort")
declare function opa_abort(addr: usize): void;

/** NUL-terminated `file:row:col` of the statement being run, or 0 (set by generated code). */
export let regent_loc: usize = 0;

/**
 * OPA's strict built-in errors: when non-zero, a built-in's failure (a type error, divide by zero,
 * bad base64…) raises an error; when 0 (OPA's default) the call is undefined. Exported from
 * builtins/strict.ts so that the loader can set it for a module run in strict mode.
 */
export let regent_strict_builtin_errors: i32 = 0;

// A growable message buffer would need care; error messages are short, so reserve plenty.
const MSG_MAX: usize = 1024;

let msg_ptr: usize = 0;
let msg_len: usize = 0;

function msg_start(): void {
  msg_ptr = alloc(MSG_MAX + 1);
  msg_len = 0;
}

function msg_lit(s: string): void {
  if (msg_len + <usize>literal_utf8_len(s) > MSG_MAX) return;
  msg_len += literal_write(msg_ptr + msg_len, s);
}

function msg_cstr(p: usize): void {
  while (load<u8>(p) != 0 && msg_len < MSG_MAX) {
    store<u8>(msg_ptr + msg_len, load<u8>(p));
    msg_len++;
    p++;
  }
}

function msg_int(x: i32): void {
  if (x >= 10) msg_int(x / 10);
  if (msg_len < MSG_MAX) {
    store<u8>(msg_ptr + msg_len, <u8>(0x30 + x % 10));
    msg_len++;
  }
}

function msg_head(code: string): void {
  msg_start();
  msg_lit(code);
  msg_lit(": ");
  if (regent_loc != 0) {
    msg_cstr(regent_loc);
    msg_lit(": ");
  }
}

function msg_abort(): void {
  store<u8>(msg_ptr + msg_len, 0);
  opa_abort(msg_ptr);
  unreachable();
}

/**
 * `eval_type_error: <loc>: <builtin>: operand <n> must be <expected> but got <type of got>` under
 * strict built-in errors; otherwise 0, the undefined result a built-in returns: `return type_error(…)`.
 */
export function type_error(builtin: string, operand: i32, expected: string, got: usize): usize {
  if (regent_strict_builtin_errors == 0) return 0;
  msg_head("eval_type_error");
  msg_lit(builtin);
  msg_lit(": operand ");
  msg_int(operand);
  msg_lit(" must be ");
  msg_lit(expected);
  msg_lit(" but got ");
  msg_lit(type_name_of(got));
  msg_abort();
  return 0;
}

/** `eval_builtin_error: <loc>: <builtin>: <message>` under strict built-in errors, else 0 (undefined). */
export function builtin_error(builtin: string, message: string): usize {
  if (regent_strict_builtin_errors == 0) return 0;
  msg_head("eval_builtin_error");
  msg_lit(builtin);
  msg_lit(": ");
  msg_lit(message);
  msg_abort();
  return 0;
}

/** `<code>: <loc>: <message>` for anything else. */
export function abort_code(code: string, message: string): void {
  msg_head(code);
  msg_lit(message);
  msg_abort();
}

/** Aborts with a prebuilt NUL-terminated message (the backend's conflict and Error statements). */
export function regent_abort(msg: usize): void {
  opa_abort(msg);
  unreachable();
}

/** Target of asc's `abort` (`--use abort=`): only reached on runtime bugs. */
export function runtime_abort(message: string | null, file: string | null, line: u32, column: u32): void {
  msg_start();
  msg_lit("eval_internal_error: runtime abort");
  msg_abort();
}
