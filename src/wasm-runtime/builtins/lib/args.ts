// Operand checks shared by the native built-ins, with OPA's wording. Every failure, type errors
// included, is undefined (the built-in returns 0) unless OPA's strict built-in errors are on, when
// it aborts with OPA's message: `if (!need_string(…)) return 0;`, `return type_error(…)`.

import { alloc } from "../../alloc";
import { literal_utf8_len, literal_write } from "../../utf8";
import { regent_loc, regent_strict_builtin_errors, type_error as rt_type_error } from "../../errors";

export { regent_strict_builtin_errors };
import { int_value, intFits } from "./bigint";
import {
  value_type, type_name_of, number_is_integer, number_as_f64,
  TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET,
} from "../../value";

@external("env", "opa_abort")
declare function opa_abort(addr: usize): void;

export function type_error(builtin: string, operand: i32, expected: string, got: usize): usize {
  return rt_type_error(builtin, operand, expected, got);
}

/** Whether operand `v` has type `t`; when not, the type error (strict) or false (undefined). */
function need(builtin: string, operand: i32, v: usize, t: u32, expected: string): bool {
  if (value_type(v) == t) return true;
  rt_type_error(builtin, operand, expected, v);
  return false;
}

export function need_string(builtin: string, operand: i32, v: usize): bool {
  return need(builtin, operand, v, TYPE_STRING, "string");
}

export function need_number(builtin: string, operand: i32, v: usize): bool {
  return need(builtin, operand, v, TYPE_NUMBER, "number");
}

export function need_array(builtin: string, operand: i32, v: usize): bool {
  return need(builtin, operand, v, TYPE_ARRAY, "array");
}

export function need_object(builtin: string, operand: i32, v: usize): bool {
  return need(builtin, operand, v, TYPE_OBJECT, "object");
}

export function need_set(builtin: string, operand: i32, v: usize): bool {
  return need(builtin, operand, v, TYPE_SET, "set");
}

/** A number with an integral value (OPA's IntOperand). */
export function need_int(builtin: string, operand: i32, v: usize): bool {
  if (!need(builtin, operand, v, TYPE_NUMBER, "number")) return false;
  if (number_is_integer(v)) return true;
  raw_type_error(builtin, operand, "must be integer number but got floating-point number", "", "");
  return false;
}

/** The value of an operand that passed `need_int`, saturated to the i64 range when beyond it. */
export function arg_int(v: usize): i64 {
  const x = int_value(v);
  if (intFits) return x;
  return number_as_f64(v) < 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
}

/** `<builtin>: operand N must be <composite> of <plural> but got <composite> containing <type>`. */
export function elem_error(builtin: string, operand: i32, composite: usize, plural: string, got: usize): usize {
  if (regent_strict_builtin_errors == 0) return 0;
  const ct = type_name_of(composite);
  msg_begin("eval_type_error");
  msg_lit(builtin);
  msg_lit(": operand ");
  msg_int(operand);
  msg_lit(" must be ");
  msg_lit(ct);
  msg_lit(" of ");
  msg_lit(plural);
  msg_lit(" but got ");
  msg_lit(ct);
  msg_lit(" containing ");
  msg_lit(type_name_of(got));
  msg_end();
  return 0;
}

/** `<builtin>: operand N <a><b><c>` as an eval_type_error (OPA's NewOperandErr). */
export function raw_type_error(builtin: string, operand: i32, a: string, b: string, c: string): usize {
  if (regent_strict_builtin_errors == 0) return 0;
  msg_begin("eval_type_error");
  msg_lit(builtin);
  msg_lit(": operand ");
  msg_int(operand);
  msg_lit(" ");
  msg_lit(a);
  msg_lit(b);
  msg_lit(c);
  msg_end();
  return 0;
}

/**
 * A built-in failure that is not a type error (bad base64, malformed CIDR…): undefined (0), as
 * OPA without strict built-in errors, or `eval_builtin_error: <builtin>: <message>` in strict mode.
 */
export function builtin_fail(builtin: string, message: string): usize {
  if (regent_strict_builtin_errors != 0) {
    msg_begin("eval_builtin_error");
    msg_lit(builtin);
    msg_lit(": ");
    msg_lit(message);
    msg_end();
  }
  return 0;
}

/** `builtin_fail` with a message that ends in a number (`… at input byte 13`). */
export function builtin_fail_at(builtin: string, message: string, n: i32): usize {
  if (regent_strict_builtin_errors != 0) {
    msg_begin("eval_builtin_error");
    msg_lit(builtin);
    msg_lit(": ");
    msg_lit(message);
    msg_int(n);
    msg_end();
  }
  return 0;
}

/** `builtin_fail` for Go's hex.InvalidByteError: `<message>U+0067 'g'` for the byte at `p`. */
export function builtin_fail_byte(builtin: string, message: string, p: usize): usize {
  if (regent_strict_builtin_errors != 0) {
    const b = <i32>load<u8>(p);
    msg_begin("eval_builtin_error");
    msg_lit(builtin);
    msg_lit(": ");
    msg_lit(message);
    msg_lit("U+");
    for (let shift = 12; shift >= 0; shift -= 4) {
      const d = (b >> shift) & 15;
      store<u8>(msg_ptr + msg_len, <u8>(d < 10 ? 0x30 + d : 0x41 + d - 10));
      msg_len++;
    }
    if (b >= 0x20 && b < 0x7f) {
      msg_lit(" '");
      store<u8>(msg_ptr + msg_len, <u8>b);
      msg_len++;
      msg_lit("'");
    }
    msg_end();
  }
  return 0;
}

// A private copy of errors.ts's message builder: the location prefix and NUL-terminated text
// that the loader parses into a RegentError.
const MSG_MAX: usize = 1024;
let msg_ptr: usize = 0;
let msg_len: usize = 0;

function msg_lit(s: string): void {
  if (msg_len + <usize>literal_utf8_len(s) > MSG_MAX) return;
  msg_len += literal_write(msg_ptr + msg_len, s);
}

function msg_int(x: i32): void {
  if (x >= 10) msg_int(x / 10);
  store<u8>(msg_ptr + msg_len, <u8>(0x30 + x % 10));
  msg_len++;
}

function msg_begin(code: string): void {
  msg_ptr = alloc(MSG_MAX + 1);
  msg_len = 0;
  msg_lit(code);
  msg_lit(": ");
  if (regent_loc != 0) {
    let p = regent_loc;
    while (load<u8>(p) != 0 && msg_len < MSG_MAX - 2) {
      store<u8>(msg_ptr + msg_len, load<u8>(p));
      msg_len++;
      p++;
    }
    msg_lit(": ");
  }
}

function msg_end(): void {
  store<u8>(msg_ptr + msg_len, 0);
  opa_abort(msg_ptr);
  unreachable();
}
