// Number text: parsing decimal text to f64 (through asc's allocation-free strtod on a
// hand-built string header) and printing ints, floats (Go's `%g` shortest form, as OPA's
// big.Float.Text('g', -1) does), exact decimal comparisons and integer spellings of number text.

import { alloc } from "./alloc";
import { strtod } from "util/string";
import { dtoa_buffered, itoa_buffered } from "util/number";

const POW10: usize = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]);

/** Parses ASCII decimal number text (JSON/Rego syntax) to the nearest f64. */
export function parse_f64(ptr: usize, len: u32): f64 {
  // Clinger's fast path: up to 15 significant digits times/over an exact power of ten up to
  // 1e22 is one correctly rounded operation (asc's strtod is off by an ulp on e.g. 0.2).
  let i: u32 = 0;
  let neg = false;
  if (i < len && load<u8>(ptr) == 0x2d) { neg = true; i++; }
  let mant: u64 = 0;
  let nd: i32 = 0;
  let scale: i32 = 0;
  let ok = true;
  for (; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (c < 0x30 || c > 0x39) break;
    if (mant != 0 || c != 0x30) { mant = mant * 10 + <u64>(c - 0x30); nd++; }
  }
  if (i < len && load<u8>(ptr + i) == 0x2e) {
    for (i++; i < len; i++) {
      const c = <u32>load<u8>(ptr + i);
      if (c < 0x30 || c > 0x39) break;
      if (mant != 0 || c != 0x30) { mant = mant * 10 + <u64>(c - 0x30); nd++; }
      scale--;
    }
  }
  if (i < len && (load<u8>(ptr + i) == 0x65 || load<u8>(ptr + i) == 0x45)) {
    i++;
    let eneg = false;
    if (i < len && (load<u8>(ptr + i) == 0x2d || load<u8>(ptr + i) == 0x2b)) { eneg = load<u8>(ptr + i) == 0x2d; i++; }
    let e: i32 = 0;
    for (; i < len; i++) {
      const c = <u32>load<u8>(ptr + i);
      if (c < 0x30 || c > 0x39) { ok = false; break; }
      if (e < 100000) e = e * 10 + <i32>(c - 0x30);
    }
    scale += eneg ? -e : e;
  }
  if (ok && i == len && nd <= 15) {
    if (mant == 0) return neg ? -0.0 : 0.0;
    const m = <f64>mant;
    if (scale >= 0 && scale <= 22) return neg ? -(m * load<f64>(POW10 + (<usize>scale << 3))) : m * load<f64>(POW10 + (<usize>scale << 3));
    if (scale < 0 && scale >= -22) return neg ? -(m / load<f64>(POW10 + (<usize>(-scale) << 3))) : m / load<f64>(POW10 + (<usize>(-scale) << 3));
  }
  // strtod takes an AssemblyScript string: UTF-16 units after a header whose last u32 is the
  // byte size. A throwaway copy in the arena stands in for it.
  const base = alloc(20 + (<usize>len << 1));
  const s = base + 20;
  store<u32>(s - 4, len << 1);
  for (let k: u32 = 0; k < len; k++) store<u16>(s + (<usize>k << 1), <u16>load<u8>(ptr + k));
  return strtod(changetype<string>(s));
}

/** Writes `x` in decimal at `out`; returns the byte count (at most 20). */
export function write_i64(out: usize, x: i64): u32 {
  if (x == i64.MIN_VALUE) {
    const digits = "-9223372036854775808";
    for (let i = 0; i < 20; i++) store<u8>(out + i, <u8>digits.charCodeAt(i));
    return 20;
  }
  const tmp = alloc(48);
  const n = itoa_buffered<i64>(tmp, x);
  for (let i: u32 = 0; i < n; i++) store<u8>(out + i, <u8>load<u16>(tmp + (<usize>i << 1)));
  return n;
}

/**
 * Writes a finite float the way Go's big.Float.Text('g', -1) does: shortest digits, plain
 * notation when the decimal exponent is in [-4, 6), else `d.ddde±XX`. Returns the byte count
 * (at most 32).
 */
export function write_f64(out: usize, x: f64): u32 {
  let o: u32 = 0;
  if (x < 0) {
    store<u8>(out, 0x2d);
    o = 1;
    x = -x;
  }
  if (x == 0) {
    store<u8>(out + o, 0x30);
    return o + 1;
  }
  // asc's dtoa gives the shortest digits in JS notation; pull out digits and exponent.
  const tmp = alloc(64);
  const n = dtoa_buffered<f64>(tmp, x);
  const digits = alloc(32);
  let nd: i32 = 0;
  let pointAt: i32 = -1;
  let exp10: i32 = 0;
  let i: u32 = 0;
  for (; i < n; i++) {
    const c = <u32>load<u16>(tmp + (<usize>i << 1));
    if (c == 0x2e) {
      pointAt = nd;
    } else if (c == 0x65) {
      i++;
      let sign: i32 = 1;
      let c2 = <u32>load<u16>(tmp + (<usize>i << 1));
      if (c2 == 0x2d) { sign = -1; i++; } else if (c2 == 0x2b) i++;
      let e: i32 = 0;
      for (; i < n; i++) e = e * 10 + <i32>(<u32>load<u16>(tmp + (<usize>i << 1)) - 0x30);
      exp10 = sign * e;
      break;
    } else {
      store<u8>(digits + nd, <u8>c);
      nd++;
    }
  }
  if (pointAt < 0) pointAt = nd;
  // Normalise to 0.d1d2...dn × 10^dp: drop leading zeros and trailing zeros.
  let start: i32 = 0;
  while (start < nd - 1 && load<u8>(digits + start) == 0x30) {
    start++;
  }
  let dp: i32 = pointAt - start + exp10;
  let end: i32 = nd;
  while (end > start + 1 && load<u8>(digits + end - 1) == 0x30) end--;
  const mant = digits + start;
  const m: i32 = end - start;
  const exp: i32 = dp - 1;
  if (exp < -4 || exp >= 6) {
    // %e: d[.ddd]e±XX (at least two exponent digits).
    store<u8>(out + o, load<u8>(mant));
    o++;
    if (m > 1) {
      store<u8>(out + o, 0x2e);
      o++;
      for (let k: i32 = 1; k < m; k++) { store<u8>(out + o, load<u8>(mant + k)); o++; }
    }
    store<u8>(out + o, 0x65);
    o++;
    let e = exp;
    if (e < 0) { store<u8>(out + o, 0x2d); e = -e; } else store<u8>(out + o, 0x2b);
    o++;
    if (e < 10) { store<u8>(out + o, 0x30); o++; }
    o += write_i64(out + o, e);
    return o;
  }
  // %f with exactly the digits needed.
  if (dp <= 0) {
    store<u8>(out + o, 0x30);
    store<u8>(out + o + 1, 0x2e);
    o += 2;
    for (let k: i32 = 0; k < -dp; k++) { store<u8>(out + o, 0x30); o++; }
    for (let k: i32 = 0; k < m; k++) { store<u8>(out + o, load<u8>(mant + k)); o++; }
    return o;
  }
  for (let k: i32 = 0; k < dp; k++) {
    store<u8>(out + o, k < m ? load<u8>(mant + k) : 0x30);
    o++;
  }
  if (m > dp) {
    store<u8>(out + o, 0x2e);
    o++;
    for (let k: i32 = dp; k < m; k++) { store<u8>(out + o, load<u8>(mant + k)); o++; }
  }
  return o;
}

// Exact decimal comparison: a number text is normalised to 0.D × 10^E (D without leading or
// trailing zeros), which orders numbers that f64 cannot tell apart (1e400 vs 1e399, 1e-400 vs 0,
// 20-digit fractions) exactly as OPA's big numbers do.

let dec_neg = false;
let dec_exp: i64 = 0;

/** Writes the significant digits of `text` to `out`; returns their count (0 for zero). */
function decimal_digits(p: usize, n: u32, out: usize): u32 {
  let i: u32 = 0;
  dec_neg = n > 0 && load<u8>(p) == 0x2d;
  if (dec_neg || (n > 0 && load<u8>(p) == 0x2b)) i = 1;
  let nd: u32 = 0;
  let point: i64 = 0;
  // Integer part: leading zeros do not count.
  for (; i < n; i++) {
    const c = load<u8>(p + i);
    if (c < 0x30 || c > 0x39) break;
    if (nd == 0 && c == 0x30) continue;
    store<u8>(out + nd, c);
    nd++;
    point++;
  }
  if (i < n && load<u8>(p + i) == 0x2e) {
    for (i++; i < n; i++) {
      const c = load<u8>(p + i);
      if (c < 0x30 || c > 0x39) break;
      if (nd == 0 && c == 0x30) {
        point--;
        continue;
      }
      store<u8>(out + nd, c);
      nd++;
    }
  }
  let exp: i64 = 0;
  if (i < n && (load<u8>(p + i) == 0x65 || load<u8>(p + i) == 0x45)) {
    i++;
    let eneg = false;
    if (i < n && (load<u8>(p + i) == 0x2d || load<u8>(p + i) == 0x2b)) {
      eneg = load<u8>(p + i) == 0x2d;
      i++;
    }
    for (; i < n; i++) {
      const c = load<u8>(p + i);
      if (c < 0x30 || c > 0x39) break;
      if (exp < 1000000000000000) exp = exp * 10 + <i64>(c - 0x30);
    }
    if (eneg) exp = -exp;
  }
  while (nd > 0 && load<u8>(out + nd - 1) == 0x30) nd--;
  dec_exp = point + exp;
  return nd;
}

/** Compares two decimal number texts exactly. */
export function decimal_compare(a: usize, alen: u32, b: usize, blen: u32): i32 {
  const da = alloc(alen + 1);
  const na = decimal_digits(a, alen, da);
  const aneg = dec_neg, aexp = dec_exp;
  const db = alloc(blen + 1);
  const nb = decimal_digits(b, blen, db);
  const bneg = dec_neg, bexp = dec_exp;
  const sa: i32 = na == 0 ? 0 : aneg ? -1 : 1;
  const sb: i32 = nb == 0 ? 0 : bneg ? -1 : 1;
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  let mag: i32 = 0;
  if (aexp != bexp) {
    mag = aexp < bexp ? -1 : 1;
  } else {
    const k = na < nb ? na : nb;
    for (let i: u32 = 0; i < k; i++) {
      const x = load<u8>(da + i), y = load<u8>(db + i);
      if (x != y) {
        mag = x < y ? -1 : 1;
        break;
      }
    }
    if (mag == 0 && na != nb) mag = na < nb ? -1 : 1;
  }
  return sa < 0 ? -mag : mag;
}

/** Length of the text `integer_text` returned. */
export let integer_text_len: u32 = 0;

/**
 * The plain integer digits of number text that denotes an integer (`1e30`, `10.00`, `1.5e3`),
 * or 0 when it is fractional or absurdly long (over 400 digits); lets exact integer arithmetic
 * accept every spelling of an integer, as OPA's big numbers do.
 */
export function integer_text(p: usize, n: u32): usize {
  const digits = alloc(n + 1);
  const nd = decimal_digits(p, n, digits);
  if (nd == 0) {
    const z = alloc(1);
    store<u8>(z, 0x30);
    integer_text_len = 1;
    return z;
  }
  if (dec_exp < <i64>nd || dec_exp > 400) return 0;
  const len = <u32>dec_exp + (dec_neg ? 1 : 0);
  const out = alloc(len);
  let o: u32 = 0;
  if (dec_neg) {
    store<u8>(out, 0x2d);
    o = 1;
  }
  memory.copy(out + o, digits, nd);
  memory.fill(out + o + nd, 0x30, <usize>(<u32>dec_exp - nd));
  integer_text_len = len;
  return out;
}
