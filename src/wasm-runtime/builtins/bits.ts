// Bitwise built-ins on integers with big.Int's two's-complement semantics: bits.and, bits.or,
// bits.xor, bits.negate, bits.lsh (exact up to 128 bits, as OPA never overflows) and bits.rsh
// (arithmetic). Operands beyond the i64 range make the call undefined.

import { value_type, number_int, number_float, number_is_integer, TYPE_NUMBER } from "../value";
import { type_error, raw_type_error } from "./lib/args";
import { number_from_u128, int_value, intFits } from "./lib/bigint";

/**
 * Set when an operand is an integer beyond i64, which these natives do not compute, or (without
 * strict built-in errors) not an integer at all: the call is then undefined.
 */
let wide = false;

/** OPA's BigIntOperand check. */
function intArg(name: string, pos: i32, v: usize): i64 {
  if (value_type(v) != TYPE_NUMBER) {
    type_error(name, pos, "integer", v);
    wide = true;
    return 0;
  }
  if (!number_is_integer(v)) {
    raw_type_error(name, pos, "must be integer number but got floating-point number", "", "");
    wide = true;
    return 0;
  }
  const x = int_value(v);
  if (!intFits) wide = true;
  return x;
}

/** The shift count: a non-negative integer. */
function shiftArg(name: string, v: usize): i64 {
  const n = intArg(name, 2, v);
  if (n < 0) {
    raw_type_error(name, 2, "must be an unsigned integer number but got a negative integer", "", "");
    wide = true;
  }
  return n;
}

export function builtin_bits_and(a: usize, b: usize): usize {
  wide = false;
  const x = intArg("bits.and", 1, a);
  const y = intArg("bits.and", 2, b);
  return wide ? 0 : number_int(x & y);
}

export function builtin_bits_or(a: usize, b: usize): usize {
  wide = false;
  const x = intArg("bits.or", 1, a);
  const y = intArg("bits.or", 2, b);
  return wide ? 0 : number_int(x | y);
}

export function builtin_bits_xor(a: usize, b: usize): usize {
  wide = false;
  const x = intArg("bits.xor", 1, a);
  const y = intArg("bits.xor", 2, b);
  return wide ? 0 : number_int(x ^ y);
}

export function builtin_bits_negate(a: usize): usize {
  wide = false;
  const x = intArg("bits.negate", 1, a);
  return wide ? 0 : number_int(~x);
}

export function builtin_bits_lsh(a: usize, b: usize): usize {
  wide = false;
  const x = intArg("bits.lsh", 1, a);
  const s = shiftArg("bits.lsh", b);
  if (wide) return 0;
  if (x == 0) return number_int(0);
  const neg = x < 0;
  const m: u64 = neg ? <u64>(0 - x) : <u64>x; // i64.MIN's magnitude is 2^63, still exact in u64
  const width = 64 - <i64>clz<u64>(m);
  if (width + s > 128) {
    // Beyond 128 bits: the nearest float, as big as f64 allows (undefined when it overflows).
    return number_float(<f64>x * Math.pow(2, <f64>s));
  }
  let hi: u64 = 0;
  let lo: u64 = 0;
  if (s == 0) lo = m;
  else if (s < 64) {
    lo = m << <u64>s;
    hi = m >> <u64>(64 - s);
  } else {
    hi = m << <u64>(s - 64);
  }
  return number_from_u128(neg, hi, lo);
}

export function builtin_bits_rsh(a: usize, b: usize): usize {
  wide = false;
  const x = intArg("bits.rsh", 1, a);
  const s = shiftArg("bits.rsh", b);
  if (wide) return 0;
  if (s >= 64) return number_int(x < 0 ? -1 : 0);
  return number_int(x >> s);
}
