// Native built-ins: arithmetic operators (plus minus mul div rem), with `minus` on two sets
// being set difference. Integers stay exact (i64, then decimal text beyond it, as OPA's big
// numbers); anything else is f64.

import {
  TYPE_NUMBER, TYPE_SET, NUM_INT, value_type, number_kind, number_int, number_float,
  number_as_f64, number_as_i64, number_is_integer, number_fits_i64,
} from "../value";
import { set_new, set_add, set_contains, set_len, table_key_raw } from "../table";
import { type_error, builtin_error } from "../errors";
import { is_exact_int, exact_add, exact_mul } from "./lib/bigint";
import { number_ref, number_ref_ptr, number_ref_len, NUM_REF } from "../value";
import { alloc } from "../alloc";
import { integer_text, integer_text_len } from "../number";
import { number_compare } from "../compare";
import { json_dump_string } from "../dump";
import { string_ptr, string_len } from "../value";

/** `v` as an exact integer (an int or plain integer text), or 0 when it is not integral. */
function exact_operand(v: usize): usize {
  if (is_exact_int(v)) return v;
  if (number_kind(v) != NUM_REF) return 0;
  const t = integer_text(number_ref_ptr(v), number_ref_len(v));
  return t == 0 ? 0 : number_ref(t, integer_text_len);
}

/** `-v` for an exact integer (an int or integer text). */
function exact_negate(v: usize): usize {
  if (number_kind(v) == NUM_INT) {
    const x = load<i64>(v, 8);
    if (x != i64.MIN_VALUE) return number_int(-x);
  }
  if (number_kind(v) == NUM_INT) {
    // -i64.MIN_VALUE needs text.
    return number_ref(MIN_NEGATED_TEXT, 19);
  }
  const p = number_ref_ptr(v), n = number_ref_len(v);
  if (load<u8>(p) == 0x2d) return number_ref(p + 1, n - 1);
  const out = alloc(n + 1);
  store<u8>(out, 0x2d);
  memory.copy(out + 1, p, n);
  return number_ref(out, n + 1);
}

/** `a % b` for exact integers beyond i64: long division digit by digit; the sign is a's. */
function exact_rem(a: usize, b: usize): usize {
  const neg = number_compare(a, ZERO) < 0;
  const mag = number_compare(b, ZERO) < 0 ? exact_negate(b) : b;
  const minusMag = exact_negate(mag);
  const text = json_dump_string(neg ? exact_negate(a) : a);
  const p = string_ptr(text), n = string_len(text);
  let r = number_int(0);
  for (let i: u32 = 0; i < n; i++) {
    r = exact_add(exact_mul(r, TEN), number_int(<i64>(load<u8>(p + i) - 0x30)));
    while (number_compare(r, mag) >= 0) r = exact_add(r, minusMag);
  }
  return neg ? exact_negate(r) : r;
}

const ZERO = memory.data<u64>([3, 0]);
const TEN = memory.data<u64>([3, 10]);

const MIN_NEGATED_TEXT = memory.data<u8>([0x39, 0x32, 0x32, 0x33, 0x33, 0x37, 0x32, 0x30, 0x33, 0x36, 0x38, 0x35, 0x34, 0x37, 0x37, 0x35, 0x38, 0x30, 0x38]);

// @ts-ignore: decorator
@inline
function both_int(a: usize, b: usize): bool {
  return number_kind(a) == NUM_INT && number_kind(b) == NUM_INT;
}

/** Whether both operands are numbers; when not, the type error (strict) or false (undefined). */
function check_numbers(name: string, a: usize, b: usize): bool {
  if (value_type(a) != TYPE_NUMBER) return type_error(name, 1, "number", a) != 0;
  if (value_type(b) != TYPE_NUMBER) return type_error(name, 2, "number", b) != 0;
  return true;
}

export function builtin_plus(a: usize, b: usize): usize {
  if (!check_numbers("plus", a, b)) return 0;
  if (both_int(a, b)) {
    const x = load<i64>(a, 8), y = load<i64>(b, 8);
    const r = x + y;
    // Overflow iff both operands have the same sign and the result's sign differs.
    if (((x ^ r) & (y ^ r)) >= 0) return number_int(r);
  }
  const xa = exact_operand(a), xb = exact_operand(b);
  if (xa != 0 && xb != 0) return exact_add(xa, xb);
  return number_float(number_as_f64(a) + number_as_f64(b));
}

export function builtin_minus(a: usize, b: usize): usize {
  const ta = value_type(a), tb = value_type(b);
  if (ta == TYPE_NUMBER && tb == TYPE_NUMBER) {
    if (both_int(a, b)) {
      const x = load<i64>(a, 8), y = load<i64>(b, 8);
      const r = x - y;
      if (((x ^ y) & (x ^ r)) >= 0) return number_int(r);
    }
    const xa = exact_operand(a), xb = exact_operand(b);
    if (xa != 0 && xb != 0) return exact_add(xa, exact_negate(xb));
    return number_float(number_as_f64(a) - number_as_f64(b));
  }
  if (ta == TYPE_SET && tb == TYPE_SET) {
    const out = set_new();
    const n = set_len(a);
    for (let i: u32 = 0; i < n; i++) {
      const x = table_key_raw(a, i);
      if (!set_contains(b, x)) set_add(out, x);
    }
    return out;
  }
  if (ta != TYPE_NUMBER && ta != TYPE_SET) return type_error("minus", 1, "one of {number, set}", a);
  if (ta == TYPE_NUMBER) return type_error("minus", 2, "number", b);
  return type_error("minus", 2, "set", b);
  return 0;
}

export function builtin_mul(a: usize, b: usize): usize {
  if (!check_numbers("mul", a, b)) return 0;
  if (both_int(a, b)) {
    const x = load<i64>(a, 8), y = load<i64>(b, 8);
    // Exact when both fit in 31 bits; otherwise check by division.
    const small = (x < 0x40000000 && x > -0x40000000 && y < 0x40000000 && y > -0x40000000);
    const r = x * y;
    if (small || x == 0 || (!(x == -1 && y == i64.MIN_VALUE) && !(y == -1 && x == i64.MIN_VALUE) && r / x == y)) {
      return number_int(r);
    }
  }
  const xa = exact_operand(a), xb = exact_operand(b);
  if (xa != 0 && xb != 0) return exact_mul(xa, xb);
  return number_float(number_as_f64(a) * number_as_f64(b));
}

export function builtin_div(a: usize, b: usize): usize {
  if (!check_numbers("div", a, b)) return 0;
  if (number_as_f64(b) == 0) return builtin_error("div", "divide by zero");
  if (both_int(a, b)) {
    const x = load<i64>(a, 8), y = load<i64>(b, 8);
    if (!(x == i64.MIN_VALUE && y == -1) && x % y == 0) return number_int(x / y);
  }
  return number_float(number_as_f64(a) / number_as_f64(b));
}

export function builtin_rem(a: usize, b: usize): usize {
  if (!check_numbers("rem", a, b)) return 0;
  if (!number_is_integer(a) || !number_is_integer(b)) return builtin_error("rem", "modulo on floating-point number");
  if (number_as_f64(b) == 0) return builtin_error("rem", "modulo by zero");
  if (number_fits_i64(a) && number_fits_i64(b)) {
    const x = number_as_i64(a), y = number_as_i64(b);
    if (y == -1) return number_int(0);
    return number_int(x % y);
  }
  const xa = exact_operand(a), xb = exact_operand(b);
  if (xa != 0 && xb != 0) return exact_rem(xa, xb);
  const x = number_as_f64(a), y = number_as_f64(b);
  return number_float(x % y);
}
