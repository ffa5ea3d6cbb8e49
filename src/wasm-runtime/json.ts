// Strict JSON parser (RFC 8259) into runtime values. Iterative with an explicit stack, so deep
// nesting cannot overflow the wasm stack; invalid text yields 0, never a trap. Strings without
// escapes and non-integer numbers point into the source bytes instead of being copied.

import { alloc } from "./alloc";
import {
  null_value, bool_value, number_int, number_ref, string_new, array_new, array_append,
} from "./value";
import { object_new, object_insert } from "./table";
import { utf8_encode } from "./utf8";

/**
 * Deeper documents are refused: parsing is iterative, but dumping, comparing and hashing recurse,
 * and at ~10,000 levels (Go's limit) they would exhaust the wasm stack. 2,500 leaves a wide margin.
 */
export const MAX_DEPTH: u32 = 2500;

let p: usize = 0;
let end: usize = 0;

// @ts-ignore: decorator
@inline
function skip_ws(): void {
  while (p < end) {
    const c = load<u8>(p);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    p++;
  }
}

function match_lit(lit: u64, n: u32): bool {
  // Compares up to 5 ASCII bytes packed little-endian in `lit`.
  if (p + n > end) return false;
  for (let i: u32 = 0; i < n; i++) {
    if (<u64>load<u8>(p + i) != ((lit >> (i * 8)) & 0xff)) return false;
  }
  p += n;
  return true;
}

function hex4(q: usize): i32 {
  let x: i32 = 0;
  for (let i: usize = 0; i < 4; i++) {
    const c = <i32>load<u8>(q + i);
    let d: i32;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    x = (x << 4) | d;
  }
  return x;
}

/** Parses a string whose opening quote is at p; leaves p after the closing quote. */
function parse_string(): usize {
  p++;
  const start = p;
  let escaped = false;
  while (true) {
    if (p >= end) return 0;
    const c = load<u8>(p);
    if (c == 0x22) break;
    if (c < 0x20) return 0;
    if (c == 0x5c) {
      escaped = true;
      p += 2;
      continue;
    }
    p++;
  }
  if (p > end) return 0;
  const rawEnd = p;
  p++;
  if (!escaped) return string_new(start, <u32>(rawEnd - start));
  // Decoded text is never longer than its escaped form.
  const out = alloc(rawEnd - start);
  let o: usize = 0;
  let q = start;
  while (q < rawEnd) {
    const c = load<u8>(q);
    if (c != 0x5c) {
      store<u8>(out + o, c);
      o++;
      q++;
      continue;
    }
    const e = load<u8>(q + 1);
    q += 2;
    switch (e) {
      case 0x22: store<u8>(out + o, 0x22); o++; break;
      case 0x5c: store<u8>(out + o, 0x5c); o++; break;
      case 0x2f: store<u8>(out + o, 0x2f); o++; break;
      case 0x62: store<u8>(out + o, 0x08); o++; break;
      case 0x66: store<u8>(out + o, 0x0c); o++; break;
      case 0x6e: store<u8>(out + o, 0x0a); o++; break;
      case 0x72: store<u8>(out + o, 0x0d); o++; break;
      case 0x74: store<u8>(out + o, 0x09); o++; break;
      case 0x75: {
        if (q + 4 > rawEnd) return 0;
        let cp = hex4(q);
        if (cp < 0) return 0;
        q += 4;
        if (cp >= 0xd800 && cp < 0xdc00) {
          // A high surrogate needs its low half; alone it decodes to U+FFFD as in Go.
          let lo: i32 = -1;
          if (q + 6 <= rawEnd && load<u8>(q) == 0x5c && load<u8>(q + 1) == 0x75) lo = hex4(q + 2);
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            q += 6;
          } else {
            cp = 0xfffd;
          }
        } else if (cp >= 0xdc00 && cp < 0xe000) {
          cp = 0xfffd;
        }
        o += utf8_encode(out + o, <u32>cp);
        break;
      }
      default:
        return 0;
    }
  }
  return string_new(out, <u32>o);
}

function parse_number(): usize {
  const start = p;
  let neg = false;
  if (load<u8>(p) == 0x2d) {
    neg = true;
    p++;
  }
  if (p >= end) return 0;
  let c = load<u8>(p);
  if (c < 0x30 || c > 0x39) return 0;
  // Accumulate as a negative number so i64.MIN_VALUE fits; overflow falls back to text.
  let acc: i64 = 0;
  let exact = true;
  if (c == 0x30) {
    p++;
  } else {
    while (p < end) {
      c = load<u8>(p);
      if (c < 0x30 || c > 0x39) break;
      const d = <i64>(c - 0x30);
      if (acc < (i64.MIN_VALUE + d) / 10) exact = false;
      else acc = acc * 10 - d;
      p++;
    }
  }
  let isInt = true;
  if (p < end && load<u8>(p) == 0x2e) {
    isInt = false;
    p++;
    const fs = p;
    while (p < end && load<u8>(p) >= 0x30 && load<u8>(p) <= 0x39) p++;
    if (p == fs) return 0;
  }
  if (p < end && (load<u8>(p) == 0x65 || load<u8>(p) == 0x45)) {
    isInt = false;
    p++;
    if (p < end && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) p++;
    const es = p;
    while (p < end && load<u8>(p) >= 0x30 && load<u8>(p) <= 0x39) p++;
    if (p == es) return 0;
  }
  if (isInt && exact && (neg || acc != i64.MIN_VALUE)) return number_int(neg ? acc : -acc);
  return number_ref(start, <u32>(p - start));
}

// The container stack: value pointer and, for objects, the key awaiting its value.
let stack: usize = 0;
let stack_cap: u32 = 0;
let depth: u32 = 0;

function push(container: usize): bool {
  if (depth >= MAX_DEPTH) return false;
  if (depth == stack_cap) {
    const ncap = stack_cap == 0 ? 32 : stack_cap << 1;
    const ns = alloc(<usize>ncap << 3);
    if (depth > 0) memory.copy(ns, stack, <usize>depth << 3);
    stack = ns;
    stack_cap = ncap;
  }
  store<u32>(stack + (<usize>depth << 3), <u32>container);
  store<u32>(stack + (<usize>depth << 3), 0, 4);
  depth++;
  return true;
}

/** Parses `key :` for the object on top of the stack; false on error. */
function object_key(): bool {
  skip_ws();
  if (p >= end || load<u8>(p) != 0x22) return false;
  const key = parse_string();
  if (key == 0) return false;
  skip_ws();
  if (p >= end || load<u8>(p) != 0x3a) return false;
  p++;
  store<u32>(stack + (<usize>(depth - 1) << 3), <u32>key, 4);
  return true;
}

/** Parses `len` bytes of JSON at `ptr`; 0 when the text is not exactly one valid JSON value. */
export function json_parse(ptr: usize, len: usize): usize {
  p = ptr;
  end = ptr + len;
  stack = 0;
  stack_cap = 0;
  depth = 0;
  while (true) {
    // Read one value (containers push a frame and continue with their first element).
    skip_ws();
    if (p >= end) return 0;
    let v: usize = 0;
    const c = load<u8>(p);
    if ((c == 0x7b || c == 0x5b) && depth >= MAX_DEPTH) return 0;
    if (c == 0x7b) {
      p++;
      const o = object_new();
      skip_ws();
      if (p < end && load<u8>(p) == 0x7d) {
        p++;
        v = o;
      } else {
        if (!push(o) || !object_key()) return 0;
        continue;
      }
    } else if (c == 0x5b) {
      p++;
      const a = array_new(4);
      skip_ws();
      if (p < end && load<u8>(p) == 0x5d) {
        p++;
        v = a;
      } else {
        if (!push(a)) return 0;
        continue;
      }
    } else if (c == 0x22) {
      v = parse_string();
    } else if (c == 0x74) {
      if (match_lit(0x65757274, 4)) v = bool_value(true);
    } else if (c == 0x66) {
      if (match_lit(0x65736c6166, 5)) v = bool_value(false);
    } else if (c == 0x6e) {
      if (match_lit(0x6c6c756e, 4)) v = null_value();
    } else if (c == 0x2d || (c >= 0x30 && c <= 0x39)) {
      v = parse_number();
    }
    if (v == 0) return 0;
    // Hand the value to its container, closing containers as they end.
    while (true) {
      if (depth == 0) {
        skip_ws();
        return p == end ? v : 0;
      }
      const frame = stack + (<usize>(depth - 1) << 3);
      const container = <usize>load<u32>(frame);
      const isObject = load<u8>(container) != 5;
      if (isObject) object_insert(container, <usize>load<u32>(frame, 4), v);
      else array_append(container, v);
      skip_ws();
      if (p >= end) return 0;
      const d = load<u8>(p);
      p++;
      if (d == 0x2c) {
        if (isObject && !object_key()) return 0;
        break;
      }
      if (d == (isObject ? 0x7d : 0x5d)) {
        depth--;
        v = container;
        continue;
      }
      return 0;
    }
  }
  return 0;
}
