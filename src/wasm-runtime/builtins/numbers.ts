// Number built-ins: abs, round (half away from zero), ceil, floor, numbers.range, to_number and
// format_int. Integers stay exact at any size (ints and plain integer text pass through);
// floats follow Go's math on f64.

import {
  value_type, bool_get, number_int, number_float, number_ref, number_kind, number_is_integer,
  number_fits_i64, number_as_i64, number_as_f64, number_ref_ptr, number_ref_len, string_ptr, string_len,
  string_alloc, array_new, array_append,
  TYPE_NULL, TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, NUM_INT, NUM_REF,
} from "../value";
import { alloc } from "../alloc";
import { need_number, type_error, raw_type_error, builtin_fail } from "./lib/args";
import { is_exact_int, int_value, intFits, number_from_u128 } from "./lib/bigint";

export function builtin_abs(a: usize): usize {
  if (!need_number("abs", 1, a)) return 0;
  const k = number_kind(a);
  if (k == NUM_INT) {
    const x = number_as_i64(a);
    if (x >= 0) return a;
    if (x == i64.MIN_VALUE) return number_from_u128(false, 0, (<u64>1) << 63);
    return number_int(-x);
  }
  if (k == NUM_REF) {
    // Exact text: drop the sign.
    if (load<u8>(number_ref_ptr(a)) == 0x2d) return number_ref(number_ref_ptr(a) + 1, number_ref_len(a) - 1);
    return a;
  }
  return number_float(Math.abs(number_as_f64(a)));
}

/**
 * round/ceil/floor of an integral number: itself when its spelling is a plain integer (exact at
 * any size); otherwise (`10.00`, `1e3`) its integer value, as OPA's big.Int result prints.
 */
function integral(a: usize): usize {
  if (is_exact_int(a)) return a;
  if (number_is_integer(a)) return number_float(number_as_f64(a));
  return 0;
}

export function builtin_round(a: usize): usize {
  if (!need_number("round", 1, a)) return 0;
  const i = integral(a);
  if (i != 0) return i;
  const x = number_as_f64(a);
  // x - trunc(x) is exact in f64, so halves are recognised without the x + 0.5 rounding trap.
  const t = Math.trunc(x);
  const r = Math.abs(x - t) >= 0.5 ? t + (x < 0 ? -1.0 : 1.0) : t;
  return number_float(r);
}

export function builtin_ceil(a: usize): usize {
  if (!need_number("ceil", 1, a)) return 0;
  const i = integral(a);
  if (i != 0) return i;
  return number_float(Math.ceil(number_as_f64(a)));
}

export function builtin_floor(a: usize): usize {
  if (!need_number("floor", 1, a)) return 0;
  const i = integral(a);
  if (i != 0) return i;
  return number_float(Math.floor(number_as_f64(a)));
}

/** OPA's BigIntOperand, limited to i64. */
function rangeArg(pos: i32, v: usize): i64 {
  // A type error aborts in strict mode; otherwise it makes the call undefined through rangeWide.
  if (value_type(v) != TYPE_NUMBER) {
    type_error("numbers.range", pos, "integer", v);
    rangeWide = true;
    return 0;
  }
  if (!number_is_integer(v)) {
    raw_type_error("numbers.range", pos, "must be integer number but got floating-point number", "", "");
    rangeWide = true;
    return 0;
  }
  const x = int_value(v);
  if (!intFits) rangeWide = true;
  return x;
}

/** Set when a bound is beyond i64, which would be a range no memory holds anyway. */
let rangeWide = false;

export function builtin_numbers_range(a: usize, b: usize): usize {
  rangeWide = false;
  const x = rangeArg(1, a);
  const y = rangeArg(2, b);
  if (rangeWide) return builtin_fail("numbers.range", "bounds beyond 64 bits");
  const n = x <= y ? y - x + 1 : x - y + 1;
  if (n > 0x3fffffff) return builtin_fail("numbers.range", "range too large");
  const out = array_new(<u32>n);
  if (x <= y) for (let i = x; i <= y; i++) array_append(out, number_int(i));
  else for (let i = x; i >= y; i--) array_append(out, number_int(i));
  return out;
}

// ---------------------------------------------------------------------------------------------
// to_number

/** Whether `len` bytes at `p` are a JSON number (so they can be kept as exact text). */
function isJsonNumber(p: usize, len: u32): bool {
  let i: u32 = 0;
  if (i < len && load<u8>(p) == 0x2d) i++;
  if (i >= len) return false;
  const first = load<u8>(p + i);
  if (first == 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) while (i < len && isDigit(load<u8>(p + i))) i++;
  else return false;
  if (i < len && load<u8>(p + i) == 0x2e) {
    i++;
    const s = i;
    while (i < len && isDigit(load<u8>(p + i))) i++;
    if (i == s) return false;
  }
  if (i < len && (load<u8>(p + i) | 0x20) == 0x65) {
    i++;
    if (i < len && (load<u8>(p + i) == 0x2b || load<u8>(p + i) == 0x2d)) i++;
    const s = i;
    while (i < len && isDigit(load<u8>(p + i))) i++;
    if (i == s) return false;
  }
  return i == len;
}

function isDigit(c: u8): bool {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Go's strconv.ParseFloat decimal syntax beyond JSON: a leading `+`, `.5`, `5.`, leading zeros.
 * Returns the JSON spelling's length written at `out`, or -1 when the text is not a decimal number.
 */
function normalizeDecimal(p: usize, len: u32, out: usize): i32 {
  let i: u32 = 0;
  let o: u32 = 0;
  if (i < len && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) {
    if (load<u8>(p) == 0x2d) store<u8>(out + o++, 0x2d);
    i++;
  }
  const intStart = i;
  while (i < len && isDigit(load<u8>(p + i))) i++;
  let intEnd = i;
  let s = intStart;
  while (s + 1 < intEnd && load<u8>(p + s) == 0x30) s++; // leading zeros
  if (s == intEnd) store<u8>(out + o++, 0x30);
  for (let k = s; k < intEnd; k++) store<u8>(out + o++, load<u8>(p + k));
  let frac = 0;
  if (i < len && load<u8>(p + i) == 0x2e) {
    i++;
    const fs = i;
    while (i < len && isDigit(load<u8>(p + i))) i++;
    frac = <i32>(i - fs);
    if (frac > 0) {
      store<u8>(out + o++, 0x2e);
      for (let k = fs; k < i; k++) store<u8>(out + o++, load<u8>(p + k));
    }
  }
  if (intEnd == intStart && frac == 0) return -1;
  if (i < len && (load<u8>(p + i) | 0x20) == 0x65) {
    store<u8>(out + o++, 0x65);
    i++;
    if (i < len && (load<u8>(p + i) == 0x2b || load<u8>(p + i) == 0x2d)) store<u8>(out + o++, load<u8>(p + i++));
    const es = i;
    while (i < len && isDigit(load<u8>(p + i))) store<u8>(out + o++, load<u8>(p + i++));
    if (i == es) return -1;
  }
  return i == len ? <i32>o : -1;
}

/** Whether bytes spell (case-insensitively, with an optional sign) nan, inf or infinity. */
function isNanOrInf(p: usize, len: usize): bool {
  let i: usize = 0;
  if (len > 0 && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) i = 1;
  const n = len - i;
  if (n != 3 && n != 8) return false;
  let word: u64 = 0;
  for (let j: usize = 0; j < n; j++) word = (word << 8) | <u64>(load<u8>(p + i + j) | 0x20);
  // "nan", "inf", "infinity" packed big-endian, lower case.
  return word == 0x6e616e || word == 0x696e66 || word == 0x696e66696e697479;
}

export function builtin_to_number(a: usize): usize {
  const t = value_type(a);
  if (t == TYPE_NUMBER) return a;
  if (t == TYPE_NULL) return number_int(0);
  if (t == TYPE_BOOLEAN) return number_int(bool_get(a) ? 1 : 0);
  if (t != TYPE_STRING) return type_error("to_number", 1, "one of {null, boolean, number, string}", a);
  const p = string_ptr(a);
  const len = string_len(a);
  // OPA refuses Go's NaN and infinity spellings: undefined, or a type error in strict mode.
  if (isNanOrInf(p, len)) return type_error("to_number", 1, "valid number string", a);
  let v: usize;
  if (isJsonNumber(p, len)) {
    v = number_ref(p, len);
  } else {
    // Go also accepts `+1`, `.5`, `5.` and `007`; respell them as JSON so that they dump validly.
    // (Go's inf/nan/hex forms are not Rego numbers: undefined, as OPA's "invalid syntax".)
    const out = alloc(len + 2);
    const n = normalizeDecimal(p, len, out);
    if (n < 0) return builtin_fail("to_number", "strconv.ParseFloat: invalid syntax");
    v = number_ref(out, <u32>n);
  }
  // ParseFloat also refuses what overflows a float64 (`1e400`).
  if (!isFinite(number_as_f64(v))) return builtin_fail("to_number", "strconv.ParseFloat: value out of range");
  return v;
}

// ---------------------------------------------------------------------------------------------
// format_int

export function builtin_format_int(a: usize, b: usize): usize {
  if (!need_number("format_int", 1, a)) return 0;
  if (!need_number("format_int", 2, b)) return 0;
  // OPA matches the base's text, so `16.0` is refused: only integer spellings count.
  let base: i64 = 0;
  if (is_exact_int(b)) base = int_value(b);
  if (base != 2 && base != 8 && base != 10 && base != 16) {
    return raw_type_error("format_int", 2, "must be one of {2, 8, 10, 16}", "", "");
  }
  // Truncated toward zero, as big.Float.Int does.
  let neg = false;
  let m: u64 = 0;
  const x = is_exact_int(a) ? int_value(a) : 0;
  if (is_exact_int(a) && intFits) {
    neg = x < 0;
    m = neg ? <u64>(0 - x) : <u64>x;
  } else {
    const f = Math.trunc(number_as_f64(a));
    if (!isFinite(f) || Math.abs(f) >= 1.8e19) return builtin_fail("format_int", "value beyond 64 bits");
    neg = f < 0;
    m = <u64>Math.abs(f);
  }
  const buf = alloc(72);
  let p = buf + 72;
  const bs = <u64>base;
  do {
    const d = <u32>(m % bs);
    p--;
    store<u8>(p, <u8>(d < 10 ? 0x30 + d : 0x61 + d - 10));
    m /= bs;
  } while (m != 0);
  if (neg) {
    p--;
    store<u8>(p, 0x2d);
  }
  const n = <u32>(buf + 72 - p);
  const s = string_alloc(n);
  memory.copy(string_ptr(s), p, n);
  return s;
}
