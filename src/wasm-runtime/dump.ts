// JSON dump of runtime values, as OPA prints them: keys and set elements in sorted order, sets
// as arrays, strings escaped like Go's encoding/json (HTML-safe: <, >, & as \u003c…; invalid
// UTF-8 as \ufffd), ints without a decimal point, floats in Go's shortest %g, refs verbatim.
// The same writer gives the Rego text of a value (rego_text_string).

import { alloc, alloc_grow } from "./alloc";
import {
  TYPE_NULL, TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET,
  NUM_INT, NUM_FLOAT, bool_get, string_ptr, string_len, string_new, array_len, array_get,
  number_ref_ptr, number_ref_len,
} from "./value";
import { object_len, object_key_at, object_value_at, set_len, set_elem_at } from "./table";
import { write_i64, write_f64 } from "./number";
import { utf8_width } from "./utf8";

let buf: usize = 0;
let len: usize = 0;
let cap: usize = 0;
/**
 * Rego text instead of JSON (OPA's Term.String, as print and template strings write values):
 * ", " and ": " separators, sets as `{a, b}` or `set()`, keys as their own text, and no HTML escapes.
 */
let rego = false;

function reserve(n: usize): void {
  if (len + n <= cap) return;
  let ncap = cap << 1;
  if (ncap < len + n) ncap = len + n + 64;
  buf = alloc_grow(buf, cap, ncap);
  cap = ncap;
}

// @ts-ignore: decorator
@inline
function put(b: u8): void {
  reserve(1);
  store<u8>(buf + len, b);
  len++;
}

const HEX: usize = memory.data<u8>([
  0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
]);

function put_u(cp: u32): void {
  reserve(6);
  store<u8>(buf + len, 0x5c);
  store<u8>(buf + len + 1, 0x75);
  store<u8>(buf + len + 2, load<u8>(HEX + ((cp >> 12) & 15)));
  store<u8>(buf + len + 3, load<u8>(HEX + ((cp >> 8) & 15)));
  store<u8>(buf + len + 4, load<u8>(HEX + ((cp >> 4) & 15)));
  store<u8>(buf + len + 5, load<u8>(HEX + (cp & 15)));
  len += 6;
}

/** True when bytes [i, i+w) form a well-formed (shortest, non-surrogate) UTF-8 sequence. */
function valid_seq(s: usize, n: u32, i: u32, w: u32): bool {
  if (w == 1 || i + w > n) return false;
  for (let k: u32 = 1; k < w; k++) if ((<u32>load<u8>(s + i + k) & 0xc0) != 0x80) return false;
  const b0 = <u32>load<u8>(s + i), b1 = <u32>load<u8>(s + i + 1);
  if (w == 2) return b0 >= 0xc2;
  if (w == 3) {
    if (b0 == 0xe0 && b1 < 0xa0) return false;
    if (b0 == 0xed && b1 >= 0xa0) return false;
    return true;
  }
  if (b0 > 0xf4) return false;
  if (b0 == 0xf0 && b1 < 0x90) return false;
  if (b0 == 0xf4 && b1 >= 0x90) return false;
  return true;
}

function put_string(s: usize, n: u32): void {
  reserve(<usize>n + 2);
  put(0x22);
  let i: u32 = 0;
  while (i < n) {
    const c = <u32>load<u8>(s + i);
    if (c < 0x80) {
      if (c >= 0x20 && c != 0x22 && c != 0x5c && (rego || (c != 0x3c && c != 0x3e && c != 0x26))) {
        put(<u8>c);
      } else if (c == 0x22 || c == 0x5c) {
        put(0x5c);
        put(<u8>c);
      } else if (c == 0x0a) {
        put(0x5c); put(0x6e);
      } else if (c == 0x0d) {
        put(0x5c); put(0x72);
      } else if (c == 0x09) {
        put(0x5c); put(0x74);
      } else if (c == 0x08) {
        put(0x5c); put(0x62);
      } else if (c == 0x0c) {
        put(0x5c); put(0x66);
      } else {
        put_u(c);
      }
      i++;
      continue;
    }
    const w = utf8_width(c);
    if (!valid_seq(s, n, i, w)) {
      put_u(0xfffd);
      i++;
      continue;
    }
    // U+2028 and U+2029 break JavaScript parsers; Go escapes them.
    if (w == 3 && c == 0xe2 && load<u8>(s + i + 1) == 0x80 && (load<u8>(s + i + 2) & 0xfe) == 0xa8) {
      put_u(0x2028 | (<u32>load<u8>(s + i + 2) & 1));
      i += 3;
      continue;
    }
    reserve(w);
    memory.copy(buf + len, s + i, w);
    len += w;
    i += w;
  }
  put(0x22);
}

function put_number(v: usize): void {
  reserve(40);
  const k = load<u8>(v, 1);
  if (k == NUM_INT) len += write_i64(buf + len, load<i64>(v, 8));
  else if (k == NUM_FLOAT) len += write_f64(buf + len, load<f64>(v, 8));
  else {
    const n = number_ref_len(v);
    reserve(n);
    memory.copy(buf + len, number_ref_ptr(v), n);
    len += n;
  }
}

function put_value(v: usize): void {
  switch (load<u8>(v)) {
    case TYPE_NULL: {
      reserve(4);
      store<u32>(buf + len, 0x6c6c756e);
      len += 4;
      break;
    }
    case TYPE_BOOLEAN: {
      reserve(5);
      if (bool_get(v)) {
        store<u32>(buf + len, 0x65757274);
        len += 4;
      } else {
        store<u32>(buf + len, 0x736c6166);
        store<u8>(buf + len + 4, 0x65);
        len += 5;
      }
      break;
    }
    case TYPE_NUMBER: put_number(v); break;
    case TYPE_STRING: put_string(string_ptr(v), string_len(v)); break;
    case TYPE_ARRAY: {
      put(0x5b);
      const n = array_len(v);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) put_separator();
        put_value(array_get(v, i));
      }
      put(0x5d);
      break;
    }
    case TYPE_OBJECT: {
      put(0x7b);
      const n = object_len(v);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) put_separator();
        const k = object_key_at(v, i);
        if (rego) {
          put_value(k);
        } else if (load<u8>(k) == TYPE_STRING) {
          put_string(string_ptr(k), string_len(k));
        } else {
          // JSON keys are strings: a non-string key is written as its JSON text.
          const kj = json_dump_string_inner(k);
          put_string(string_ptr(kj), string_len(kj));
        }
        put(0x3a);
        if (rego) put(0x20);
        put_value(object_value_at(v, i));
      }
      put(0x7d);
      break;
    }
    case TYPE_SET: {
      const n = set_len(v);
      if (rego && n == 0) {
        put(0x73); put(0x65); put(0x74); put(0x28); put(0x29); // set()
        break;
      }
      put(rego ? 0x7b : 0x5b);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) put_separator();
        put_value(set_elem_at(v, i));
      }
      put(rego ? 0x7d : 0x5d);
      break;
    }
  }
}

function put_separator(): void {
  put(0x2c);
  if (rego) put(0x20);
}

/** Saves the writer so nested dumps (non-string keys) do not clobber an outer one. */
function json_dump_string_inner(v: usize): usize {
  const sb = buf, sl = len, sc = cap;
  buf = alloc(64);
  len = 0;
  cap = 64;
  put_value(v);
  const s = string_new(buf, <u32>len);
  buf = sb;
  len = sl;
  cap = sc;
  return s;
}

/** The JSON text of `v` as a NUL-terminated C string. */
export function json_dump(v: usize): usize {
  buf = alloc(256);
  len = 0;
  cap = 256;
  put_value(v);
  put(0);
  return buf;
}

/** The JSON text of `v` as a string value (json.marshal). */
export function json_dump_string(v: usize): usize {
  buf = alloc(256);
  len = 0;
  cap = 256;
  put_value(v);
  return string_new(buf, <u32>len);
}

/** The Rego text of `v` as a string value (OPA's Term.String: `{"a": [1, 2]}`, `{1, 2}`, `set()`). */
export function rego_text_string(v: usize): usize {
  rego = true;
  const s = json_dump_string(v);
  rego = false;
  return s;
}
