// UTF-8 decoding and encoding over raw memory for the string built-ins, plus simple (1:1)
// case mapping. Invalid bytes decode as U+FFFD of width 1, as Go's utf8.DecodeRune does, so
// code-point counts and indexes agree with OPA on any input.

import { utf8_encode } from "../../utf8";
import { ALT, CASE_RANGES, CASE_TABLE } from "./case-table";

/** Width in bytes of the code point that the last `utf8Decode` call read. */
export let utf8Width: i32 = 1;

/** Decodes the code point at `p` (`p < end`), setting `utf8Width`. */
export function utf8Decode(p: usize, end: usize): i32 {
  const b0 = <i32>load<u8>(p);
  if (b0 < 0x80) {
    utf8Width = 1;
    return b0;
  }
  const avail = <i32>(end - p);
  if (b0 >= 0xc2 && b0 <= 0xdf && avail >= 2) {
    const b1 = <i32>load<u8>(p + 1);
    if ((b1 & 0xc0) == 0x80) {
      utf8Width = 2;
      return ((b0 & 0x1f) << 6) | (b1 & 0x3f);
    }
  } else if (b0 >= 0xe0 && b0 <= 0xef && avail >= 3) {
    const b1 = <i32>load<u8>(p + 1);
    const b2 = <i32>load<u8>(p + 2);
    const lo = b0 == 0xe0 ? 0xa0 : 0x80;
    const hi = b0 == 0xed ? 0x9f : 0xbf; // no surrogates
    if (b1 >= lo && b1 <= hi && (b2 & 0xc0) == 0x80) {
      utf8Width = 3;
      return ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
    }
  } else if (b0 >= 0xf0 && b0 <= 0xf4 && avail >= 4) {
    const b1 = <i32>load<u8>(p + 1);
    const b2 = <i32>load<u8>(p + 2);
    const b3 = <i32>load<u8>(p + 3);
    const lo = b0 == 0xf0 ? 0x90 : 0x80;
    const hi = b0 == 0xf4 ? 0x8f : 0xbf;
    if (b1 >= lo && b1 <= hi && (b2 & 0xc0) == 0x80 && (b3 & 0xc0) == 0x80) {
      utf8Width = 4;
      return ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
    }
  }
  utf8Width = 1;
  return 0xfffd;
}

/** Bytes needed to encode `cp`. */
export function utf8Size(cp: i32): i32 {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

/** Writes `cp` at `out`, returning the number of bytes written (the runtime's encoder). */
export function utf8Encode(cp: i32, out: usize): i32 {
  return <i32>utf8_encode(out, <u32>cp);
}

/** Number of code points in `len` bytes at `p` (each invalid byte counts as one). */
export function utf8Count(p: usize, len: i32): i32 {
  const end = p + <usize>len;
  let n = 0;
  while (p < end) {
    if (load<u8>(p) < 0x80) {
      p++;
    } else {
      utf8Decode(p, end);
      p += <usize>utf8Width;
    }
    n++;
  }
  return n;
}

/** Byte offset of the code point with index `idx` (or `len` when idx reaches the end). */
export function utf8Offset(p: usize, len: i32, idx: i32): i32 {
  const end = p + <usize>len;
  let q = p;
  while (idx > 0 && q < end) {
    utf8Decode(q, end);
    q += <usize>utf8Width;
    idx--;
  }
  return <i32>(q - p);
}

// Simple case mapping, as Go's unicode.ToLower/ToUpper (and so OPA's lower and upper): ASCII
// directly, everything else through the generated table of ranges (case-table.ts).

/** The table row holding `cp`, or -1. */
function caseRow(cp: i32): i32 {
  let lo = 0, hi = CASE_RANGES - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const row = CASE_TABLE + (<usize>mid << 4);
    if (cp < load<i32>(row)) hi = mid - 1;
    else if (cp > load<i32>(row, 4)) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function mapCp(cp: i32, upper: bool): i32 {
  const i = caseRow(cp);
  if (i < 0) return cp;
  const row = CASE_TABLE + (<usize>i << 4);
  const d = upper ? load<i32>(row, 12) : load<i32>(row, 8);
  if (d != ALT) return cp + d;
  // Alternating run: even offsets from the first are upper case, odd ones lower case.
  const first = load<i32>(row);
  const off = cp - first;
  return upper ? first + (off & ~1) : first + (off | 1);
}

/** Lower-case of `cp`. */
export function toLowerCp(cp: i32): i32 {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp;
  return mapCp(cp, false);
}

/** Upper-case of `cp`. */
export function toUpperCp(cp: i32): i32 {
  if (cp < 0x80) return cp >= 0x61 && cp <= 0x7a ? cp - 32 : cp;
  return mapCp(cp, true);
}
