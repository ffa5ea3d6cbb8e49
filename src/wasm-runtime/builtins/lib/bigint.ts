// Exact integers beyond i64 for the built-ins that OPA computes with big numbers (bits.lsh, sum,
// product): results become ints when they fit, otherwise decimal text kept as a number ref,
// which prints back exactly.

import { alloc } from "../../alloc";
import {
  number_int, number_ref, number_kind, number_ref_ptr, number_ref_len, number_fits_i64, number_as_i64, NUM_INT, NUM_REF,
} from "../../value";
import { write_i64 } from "../../number";

/** The number `(neg ? -1 : 1) * (hi * 2^64 + lo)`. */
export function number_from_u128(neg: bool, hi: u64, lo: u64): usize {
  if (hi == 0) {
    if (!neg && lo <= <u64>i64.MAX_VALUE) return number_int(<i64>lo);
    if (neg && lo <= (<u64>i64.MAX_VALUE) + 1) return number_int(<i64>(0 - lo));
  }
  // Repeated division by 10 of the 128-bit magnitude, digits written backwards.
  const buf = alloc(48);
  let p = buf + 48;
  let h = hi;
  let l = lo;
  do {
    // Divide (h:l) by 10 in 32-bit limbs so that every partial quotient fits in u64.
    let rem: u64 = 0;
    let q3 = ((rem << 32) | (h >> 32)) / 10;
    rem = ((rem << 32) | (h >> 32)) % 10;
    let q2 = ((rem << 32) | (h & 0xffffffff)) / 10;
    rem = ((rem << 32) | (h & 0xffffffff)) % 10;
    let q1 = ((rem << 32) | (l >> 32)) / 10;
    rem = ((rem << 32) | (l >> 32)) % 10;
    let q0 = ((rem << 32) | (l & 0xffffffff)) / 10;
    rem = ((rem << 32) | (l & 0xffffffff)) % 10;
    h = (q3 << 32) | q2;
    l = (q1 << 32) | q0;
    p--;
    store<u8>(p, <u8>(0x30 + <u32>rem));
  } while (h != 0 || l != 0);
  if (neg) {
    p--;
    store<u8>(p, 0x2d);
  }
  return number_ref(p, <u32>(buf + 48 - p));
}

// ---------------------------------------------------------------------------------------------
// Exact integer sum and product (sum/product must agree with OPA's big arithmetic): i64 when the
// operands and the result fit, otherwise schoolbook arithmetic on decimal digits.

let digitsNeg = false;
let digitsLen: u32 = 0;

/** Whether `v` is an integer this module can compute with exactly (an int, or plain integer text). */
export function is_exact_int(v: usize): bool {
  const k = number_kind(v);
  if (k == NUM_INT) return true;
  if (k != NUM_REF) return false;
  const p = number_ref_ptr(v);
  const n = number_ref_len(v);
  let i: u32 = load<u8>(p) == 0x2d ? 1 : 0;
  if (i >= n) return false;
  for (; i < n; i++) {
    const c = load<u8>(p + i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The magnitude digits of an exact integer (no leading zeros; "0" for zero), sign in `digitsNeg`. */
function digitsOf(v: usize): usize {
  let p: usize;
  let n: u32;
  if (number_kind(v) == NUM_INT) {
    p = alloc(24);
    n = write_i64(p, load<i64>(v, 8));
  } else {
    p = number_ref_ptr(v);
    n = number_ref_len(v);
  }
  digitsNeg = load<u8>(p) == 0x2d;
  if (digitsNeg) {
    p++;
    n--;
  }
  while (n > 1 && load<u8>(p) == 0x30) {
    p++;
    n--;
  }
  if (n == 1 && load<u8>(p) == 0x30) digitsNeg = false;
  digitsLen = n;
  return p;
}

function magCompare(a: usize, an: u32, b: usize, bn: u32): i32 {
  if (an != bn) return an < bn ? -1 : 1;
  return memory.compare(a, b, an);
}

/** A number from magnitude digits at `p` (n bytes, maybe with leading zeros) and a sign. */
function fromDigits(neg: bool, p: usize, n: u32): usize {
  while (n > 1 && load<u8>(p) == 0x30) {
    p++;
    n--;
  }
  if (n <= 19) {
    let m: u64 = 0;
    for (let i: u32 = 0; i < n; i++) m = m * 10 + <u64>(load<u8>(p + i) - 0x30);
    return number_from_u128(neg && m != 0, 0, m);
  }
  if (neg) {
    p--;
    store<u8>(p, 0x2d);
    n++;
  }
  return number_ref(p, n);
}

/** `x + y` for exact integers. */
export function exact_add(x: usize, y: usize): usize {
  if (number_kind(x) == NUM_INT && number_kind(y) == NUM_INT) {
    const a = load<i64>(x, 8);
    const b = load<i64>(y, 8);
    const s = a + b;
    // Overflow only when both operands share a sign that the sum lacks.
    if (((a ^ s) & (b ^ s)) >= 0) return number_int(s);
  }
  const a = digitsOf(x);
  const an = digitsLen;
  const aneg = digitsNeg;
  const b = digitsOf(y);
  const bn = digitsLen;
  const bneg = digitsNeg;
  const n = (an > bn ? an : bn) + 1;
  const out = alloc(n + 1) + 1; // one spare byte in front for the sign
  if (aneg == bneg) {
    let carry: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const da: u32 = i < an ? <u32>load<u8>(a + an - 1 - i) - 0x30 : 0;
      const db: u32 = i < bn ? <u32>load<u8>(b + bn - 1 - i) - 0x30 : 0;
      const s = da + db + carry;
      store<u8>(out + n - 1 - i, <u8>(0x30 + s % 10));
      carry = s / 10;
    }
    return fromDigits(aneg, out, n);
  }
  // Opposite signs: subtract the smaller magnitude from the larger; the larger's sign wins.
  const c = magCompare(a, an, b, bn);
  if (c == 0) return number_int(0);
  const big = c > 0 ? a : b;
  const bigN = c > 0 ? an : bn;
  const small = c > 0 ? b : a;
  const smallN = c > 0 ? bn : an;
  let borrow: i32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const d1: i32 = i < bigN ? <i32>load<u8>(big + bigN - 1 - i) - 0x30 : 0;
    const d2: i32 = i < smallN ? <i32>load<u8>(small + smallN - 1 - i) - 0x30 : 0;
    let d = d1 - d2 - borrow;
    borrow = d < 0 ? 1 : 0;
    if (d < 0) d += 10;
    store<u8>(out + n - 1 - i, <u8>(0x30 + d));
  }
  return fromDigits(c > 0 ? aneg : bneg, out, n);
}

/** `x * y` for exact integers. */
export function exact_mul(x: usize, y: usize): usize {
  if (number_kind(x) == NUM_INT && number_kind(y) == NUM_INT) {
    const a = load<i64>(x, 8);
    const b = load<i64>(y, 8);
    // |a|, |b| < 2^31 cannot overflow; otherwise check by division.
    const small = a > -0x80000000 && a < 0x80000000 && b > -0x80000000 && b < 0x80000000;
    if (small) return number_int(a * b);
    if (a != 0 && b != 0 && a != i64.MIN_VALUE && b != i64.MIN_VALUE) {
      const p = a * b;
      if (p / b == a) return number_int(p);
    }
  }
  const a = digitsOf(x);
  const an = digitsLen;
  const aneg = digitsNeg;
  const b = digitsOf(y);
  const bn = digitsLen;
  const bneg = digitsNeg;
  const n = an + bn;
  const acc = alloc(<usize>n << 2);
  memory.fill(acc, 0, <usize>n << 2);
  for (let i: u32 = 0; i < an; i++) {
    const da = <u32>load<u8>(a + an - 1 - i) - 0x30;
    if (da == 0) continue;
    for (let j: u32 = 0; j < bn; j++) {
      const db = <u32>load<u8>(b + bn - 1 - j) - 0x30;
      const at = acc + (<usize>(i + j) << 2);
      store<u32>(at, load<u32>(at) + da * db);
    }
  }
  const out = alloc(n + 1) + 1;
  let carry: u32 = 0;
  for (let k: u32 = 0; k < n; k++) {
    const s = load<u32>(acc + (<usize>k << 2)) + carry;
    store<u8>(out + n - 1 - k, <u8>(0x30 + s % 10));
    carry = s / 10;
  }
  return fromDigits(aneg != bneg, out, n);
}

/** Whether the last `int_value` fitted in i64. */
export let intFits = false;

/**
 * The exact i64 value of an integral number (ints, and integer text parsed digit by digit, which
 * f64 would round beyond 2^53); sets `intFits` to false when it does not fit in i64.
 */
export function int_value(v: usize): i64 {
  if (number_kind(v) == NUM_INT) {
    intFits = true;
    return load<i64>(v, 8);
  }
  if (!is_exact_int(v)) {
    intFits = number_fits_i64(v);
    return number_as_i64(v);
  }
  const p = number_ref_ptr(v);
  const n = number_ref_len(v);
  const neg = load<u8>(p) == 0x2d;
  let m: u64 = 0;
  intFits = true;
  for (let i: u32 = neg ? 1 : 0; i < n; i++) {
    const d = <u64>(load<u8>(p + i) - 0x30);
    if (m > (<u64>u64.MAX_VALUE - d) / 10) {
      intFits = false;
      return 0;
    }
    m = m * 10 + d;
  }
  if (neg ? m > (<u64>i64.MAX_VALUE) + 1 : m > <u64>i64.MAX_VALUE) {
    intFits = false;
    return 0;
  }
  return neg ? <i64>(0 - m) : <i64>m;
}
