// String built-ins with Go's strings semantics (OPA's topdown): concat, contains, startswith,
// endswith, lower, upper, split, trim*, indexof, substring, replace, strings.replace_n,
// strings.reverse. Indexes count code points; lower/upper map every
// code point by Unicode's simple case mapping, as Go's unicode.ToLower/ToUpper.

import {
  value_type, string_ptr, string_len, string_new, string_alloc, string_from_literal, bool_value, number_int,
  array_new, array_append, array_len, array_get, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, TYPE_STRING,
} from "../value";
import { set_len, set_elem_at, object_len, object_key_at, object_value_at } from "../table";
import { alloc, alloc_shrink } from "../alloc";
import { need_string, need_int, need_object, need_array, type_error, elem_error, raw_type_error, builtin_fail, arg_int } from "./lib/args";
import { utf8Decode, utf8Width, utf8Encode, toLowerCp, toUpperCp } from "./lib/unicode";
import { bytes_find, is_space } from "./lib/bytes";
import { rego_text_string } from "../dump";
import { abort_code } from "../errors";

// ---------------------------------------------------------------------------------------------
// concat

export function builtin_concat(delim: usize, coll: usize): usize {
  if (!need_string("concat", 1, delim)) return 0;
  const t = value_type(coll);
  if (t != TYPE_ARRAY && t != TYPE_SET) return type_error("concat", 2, "one of {set, array}", coll);
  const n = t == TYPE_ARRAY ? array_len(coll) : set_len(coll);
  const dlen = string_len(delim);
  let total: usize = 0;
  for (let i: u32 = 0; i < n; i++) {
    const e = t == TYPE_ARRAY ? array_get(coll, i) : set_elem_at(coll, i);
    if (value_type(e) != TYPE_STRING) return elem_error("concat", 2, coll, "strings", e);
    total += <usize>string_len(e);
  }
  if (n > 1) total += <usize>dlen * <usize>(n - 1);
  const out = string_alloc(<u32>total);
  let o = string_ptr(out);
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) {
      memory.copy(o, string_ptr(delim), dlen);
      o += dlen;
    }
    const e = t == TYPE_ARRAY ? array_get(coll, i) : set_elem_at(coll, i);
    memory.copy(o, string_ptr(e), string_len(e));
    o += string_len(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// predicates

export function builtin_contains(s: usize, sub: usize): usize {
  if (!need_string("contains", 1, s)) return 0;
  if (!need_string("contains", 2, sub)) return 0;
  return bool_value(bytes_find(string_ptr(s), string_len(s), string_ptr(sub), string_len(sub), 0) >= 0);
}

export function builtin_startswith(s: usize, pre: usize): usize {
  if (!need_string("startswith", 1, s)) return 0;
  if (!need_string("startswith", 2, pre)) return 0;
  const n = string_len(pre);
  return bool_value(n <= string_len(s) && memory.compare(string_ptr(s), string_ptr(pre), n) == 0);
}

export function builtin_endswith(s: usize, suf: usize): usize {
  if (!need_string("endswith", 1, s)) return 0;
  if (!need_string("endswith", 2, suf)) return 0;
  const n = string_len(suf);
  const len = string_len(s);
  return bool_value(n <= len && memory.compare(string_ptr(s) + len - n, string_ptr(suf), n) == 0);
}

// ---------------------------------------------------------------------------------------------
// case mapping

function mapCase(s: usize, upper: bool): usize {
  const p = string_ptr(s);
  const len = string_len(s);
  const end = p + len;
  // A mapping can lengthen a code point by one byte at most (ɐ → Ɐ is 2 → 3 bytes); the rest is given back.
  const room = len * 2;
  const out = alloc(room);
  let o = out;
  let q = p;
  while (q < end) {
    const b = load<u8>(q);
    if (b < 0x80) {
      store<u8>(o, upper ? (b >= 0x61 && b <= 0x7a ? b - 32 : b) : (b >= 0x41 && b <= 0x5a ? b + 32 : b));
      o++;
      q++;
      continue;
    }
    const cp = utf8Decode(q, end);
    const w = utf8Width;
    if (cp == 0xfffd && w == 1) {
      store<u8>(o, b); // keep stray bytes as they are
      o++;
    } else {
      const m = upper ? toUpperCp(cp) : toLowerCp(cp);
      o += <usize>utf8Encode(m, o);
    }
    q += <usize>w;
  }
  const n = <u32>(o - out);
  alloc_shrink(out, room, n);
  return string_new(out, n);
}

export function builtin_lower(s: usize): usize {
  if (!need_string("lower", 1, s)) return 0;
  return mapCase(s, false);
}

export function builtin_upper(s: usize): usize {
  if (!need_string("upper", 1, s)) return 0;
  return mapCase(s, true);
}

// ---------------------------------------------------------------------------------------------
// split / replace

export function builtin_split(s: usize, delim: usize): usize {
  if (!need_string("split", 1, s)) return 0;
  if (!need_string("split", 2, delim)) return 0;
  const p = string_ptr(s);
  const len = <i32>string_len(s);
  const dp = string_ptr(delim);
  const dlen = <i32>string_len(delim);
  const out = array_new(4);
  if (dlen == 0) {
    // Go's strings.Split with an empty separator: one element per UTF-8 sequence.
    const end = p + <usize>len;
    let q = p;
    while (q < end) {
      utf8Decode(q, end);
      array_append(out, string_new(q, utf8Width));
      q += <usize>utf8Width;
    }
    return out;
  }
  let start = 0;
  while (true) {
    const i = bytes_find(p, len, dp, dlen, start);
    if (i < 0) break;
    array_append(out, string_new(p + <usize>start, <u32>(i - start)));
    start = i + dlen;
  }
  array_append(out, string_new(p + <usize>start, <u32>(len - start)));
  return out;
}

export function builtin_replace(s: usize, old: usize, nw: usize): usize {
  if (!need_string("replace", 1, s)) return 0;
  if (!need_string("replace", 2, old)) return 0;
  if (!need_string("replace", 3, nw)) return 0;
  const p = string_ptr(s);
  const len = <i32>string_len(s);
  const op = string_ptr(old);
  const olen = <i32>string_len(old);
  const np = string_ptr(nw);
  const nlen = <i32>string_len(nw);
  if (olen == 0) {
    // Go's strings.ReplaceAll with an empty `old`: insert `new` around every code point.
    let runes = 0;
    const end = p + <usize>len;
    for (let q = p; q < end; q += <usize>utf8Width) {
      utf8Decode(q, end);
      runes++;
    }
    const total = len + (runes + 1) * nlen;
    const out = string_alloc(<u32>total);
    let o = string_ptr(out);
    let q = p;
    while (true) {
      memory.copy(o, np, <usize>nlen);
      o += <usize>nlen;
      if (q >= end) break;
      utf8Decode(q, end);
      memory.copy(o, q, <usize>utf8Width);
      o += <usize>utf8Width;
      q += <usize>utf8Width;
    }
    return out;
  }
  let count = 0;
  let at = bytes_find(p, len, op, olen, 0);
  if (at < 0) return s;
  while (at >= 0) {
    count++;
    at = bytes_find(p, len, op, olen, at + olen);
  }
  const out = string_alloc(<u32>(len + count * (nlen - olen)));
  let o = string_ptr(out);
  let start = 0;
  while (true) {
    const i = bytes_find(p, len, op, olen, start);
    if (i < 0) break;
    memory.copy(o, p + <usize>start, <usize>(i - start));
    o += <usize>(i - start);
    memory.copy(o, np, <usize>nlen);
    o += <usize>nlen;
    start = i + olen;
  }
  memory.copy(o, p + <usize>start, <usize>(len - start));
  return out;
}

// ---------------------------------------------------------------------------------------------
// trimming

/** Whether code point `cp` is in the cutset string `c`. */
function inCutset(c: usize, cp: i32): bool {
  const p = string_ptr(c);
  const end = p + string_len(c);
  let q = p;
  while (q < end) {
    const x = utf8Decode(q, end);
    if (x == cp) return true;
    q += <usize>utf8Width;
  }
  return false;
}

/** Byte offset where the kept part starts when trimming the left (cutset, or space when 0). */
function leftCut(s: usize, cutset: usize): usize {
  const p = string_ptr(s);
  const end = p + string_len(s);
  let q = p;
  while (q < end) {
    const cp = utf8Decode(q, end);
    if (cutset != 0 ? !inCutset(cutset, cp) : !is_space(cp)) break;
    q += <usize>utf8Width;
  }
  return q - p;
}

/** Byte offset where the kept part ends when trimming the right. */
function rightCut(s: usize, cutset: usize, from: usize): usize {
  const p = string_ptr(s);
  let end = p + string_len(s);
  const stop = p + from;
  while (end > stop) {
    // Step back to the start of the last code point.
    let q = end - 1;
    let back = 0;
    while (q > stop && (load<u8>(q) & 0xc0) == 0x80 && back < 3) {
      q--;
      back++;
    }
    let cp = utf8Decode(q, end);
    if (q + <usize>utf8Width != end) {
      // Not a whole sequence: the last byte alone is an invalid rune.
      q = end - 1;
      cp = 0xfffd;
    }
    if (cutset != 0 ? !inCutset(cutset, cp) : !is_space(cp)) break;
    end = q;
  }
  return end - p;
}

export function builtin_trim(s: usize, cutset: usize): usize {
  if (!need_string("trim", 1, s)) return 0;
  if (!need_string("trim", 2, cutset)) return 0;
  const l = leftCut(s, cutset);
  const r = rightCut(s, cutset, l);
  return string_new(string_ptr(s) + l, <u32>(r - l));
}

export function builtin_trim_left(s: usize, cutset: usize): usize {
  if (!need_string("trim_left", 1, s)) return 0;
  if (!need_string("trim_left", 2, cutset)) return 0;
  const l = leftCut(s, cutset);
  return string_new(string_ptr(s) + l, string_len(s) - <u32>l);
}

export function builtin_trim_right(s: usize, cutset: usize): usize {
  if (!need_string("trim_right", 1, s)) return 0;
  if (!need_string("trim_right", 2, cutset)) return 0;
  return string_new(string_ptr(s), <u32>rightCut(s, cutset, 0));
}

export function builtin_trim_space(s: usize): usize {
  if (!need_string("trim_space", 1, s)) return 0;
  const l = leftCut(s, 0);
  const r = rightCut(s, 0, l);
  return string_new(string_ptr(s) + l, <u32>(r - l));
}

export function builtin_trim_prefix(s: usize, pre: usize): usize {
  if (!need_string("trim_prefix", 1, s)) return 0;
  if (!need_string("trim_prefix", 2, pre)) return 0;
  const n = string_len(pre);
  if (n <= string_len(s) && memory.compare(string_ptr(s), string_ptr(pre), n) == 0) {
    return string_new(string_ptr(s) + n, string_len(s) - n);
  }
  return s;
}

export function builtin_trim_suffix(s: usize, suf: usize): usize {
  if (!need_string("trim_suffix", 1, s)) return 0;
  if (!need_string("trim_suffix", 2, suf)) return 0;
  const n = string_len(suf);
  const len = string_len(s);
  if (n <= len && memory.compare(string_ptr(s) + len - n, string_ptr(suf), n) == 0) {
    return string_new(string_ptr(s), len - n);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// indexof / substring / reverse (code point indexes)

export function builtin_indexof(s: usize, sub: usize): usize {
  if (!need_string("indexof", 1, s)) return 0;
  if (!need_string("indexof", 2, sub)) return 0;
  if (string_len(sub) == 0) return builtin_fail("indexof", "empty search character");
  // Compare code point by code point so that invalid bytes behave as U+FFFD, as in Go.
  const p = string_ptr(s);
  const end = p + string_len(s);
  const sp = string_ptr(sub);
  const send = sp + string_len(sub);
  let idx = 0;
  let q = p;
  while (q < end) {
    let a = q;
    let b = sp;
    while (a < end && b < send) {
      const ca = utf8Decode(a, end);
      const wa = utf8Width;
      const cb = utf8Decode(b, send);
      if (ca != cb) break;
      a += <usize>wa;
      b += <usize>utf8Width;
    }
    if (b >= send) return number_int(idx);
    if (a >= end) break;
    utf8Decode(q, end);
    q += <usize>utf8Width;
    idx++;
  }
  return number_int(-1);
}

export function builtin_substring(s: usize, start: usize, length: usize): usize {
  if (!need_string("substring", 1, s)) return 0;
  if (!need_int("substring", 2, start)) return 0;
  if (!need_int("substring", 3, length)) return 0;
  const from = arg_int(start);
  const n = arg_int(length);
  if (from < 0) return builtin_fail("substring", "negative offset");
  const p = string_ptr(s);
  const end = p + string_len(s);
  // Walk to the start code point; an offset at or past the end gives "".
  let q = p;
  let i: i64 = 0;
  while (i < from && q < end) {
    utf8Decode(q, end);
    q += <usize>utf8Width;
    i++;
  }
  if (q >= end) return string_new(end, 0);
  if (n < 0) return string_new(q, <u32>(end - q));
  let r = q;
  let k: i64 = 0;
  while (k < n && r < end) {
    utf8Decode(r, end);
    r += <usize>utf8Width;
    k++;
  }
  return string_new(q, <u32>(r - q));
}

export function builtin_strings_reverse(s: usize): usize {
  if (!need_string("strings.reverse", 1, s)) return 0;
  const p = string_ptr(s);
  const len = string_len(s);
  const end = p + len;
  const out = string_alloc(len);
  let o = string_ptr(out) + len;
  let q = p;
  while (q < end) {
    utf8Decode(q, end);
    const w = <usize>utf8Width;
    o -= w;
    memory.copy(o, q, w);
    q += w;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// strings.replace_n

/**
 * The pattern key (by index into the sorted keys) that Go's strings.Replacer picks at `i`: the
 * first in argument order that is a prefix of the rest, skipping the empty key right after an
 * empty match (so "" inserts between characters, not forever). -1 when none matches.
 */
function replacer_match(pats: usize, n: u32, p: usize, len: i32, i: i32, skipEmpty: bool): i32 {
  for (let k: u32 = 0; k < n; k++) {
    const key = object_key_at(pats, k);
    const klen = <i32>string_len(key);
    if (klen == 0 && skipEmpty) continue;
    if (klen <= len - i && (klen == 0 || memory.compare(p + <usize>i, string_ptr(key), <usize>klen) == 0)) return <i32>k;
  }
  return -1;
}

/** Runs the replacement; counts the output bytes, and writes them to `out` unless it is 0. */
function replacer_run(pats: usize, n: u32, p: usize, len: i32, out: usize): i32 {
  let o = 0;
  let last = 0;
  let prevEmpty = false;
  let i = 0;
  while (i <= len) {
    const k = replacer_match(pats, n, p, len, i, prevEmpty);
    if (k < 0) {
      prevEmpty = false;
      i++;
      continue;
    }
    const klen = <i32>string_len(object_key_at(pats, <u32>k));
    const val = object_value_at(pats, <u32>k);
    const vlen = <i32>string_len(val);
    if (out != 0) {
      memory.copy(out + <usize>o, p + <usize>last, <usize>(i - last));
      memory.copy(out + <usize>(o + i - last), string_ptr(val), <usize>vlen);
    }
    o += i - last + vlen;
    prevEmpty = klen == 0;
    i += klen;
    last = i;
  }
  if (out != 0) memory.copy(out + <usize>o, p + <usize>last, <usize>(len - last));
  return o + len - last;
}

/** strings.replace_n(patterns, s): Go's strings.NewReplacer over the patterns in key order, as OPA. */
export function builtin_strings_replace_n(pats: usize, s: usize): usize {
  if (!need_object("strings.replace_n", 1, pats)) return 0;
  if (!need_string("strings.replace_n", 2, s)) return 0;
  const n = object_len(pats);
  for (let k: u32 = 0; k < n; k++) {
    if (value_type(object_key_at(pats, k)) != TYPE_STRING) {
      return raw_type_error("strings.replace_n", 1, "non-string key found in pattern object", "", "");
    }
    if (value_type(object_value_at(pats, k)) != TYPE_STRING) {
      return raw_type_error("strings.replace_n", 1, "non-string value found in pattern object", "", "");
    }
  }
  const p = string_ptr(s);
  const len = <i32>string_len(s);
  const total = replacer_run(pats, n, p, len, 0);
  const out = string_alloc(<u32>total);
  replacer_run(pats, n, p, len, string_ptr(out));
  return out;
}

// ---------------------------------------------------------------------------------------------
// internal.template_string: what `$"…{expr}…"` is compiled to

/**
 * internal.template_string(parts): the compiler passes the literal parts as strings and each
 * `{expr}` as the set of its values; a string is written as it is, any other value as its Rego
 * text, an empty set as `<undefined>`; two values for one expression are a conflict, as in OPA.
 */
export function builtin_internal_template_string(parts: usize): usize {
  if (!need_array("internal.template_string", 1, parts)) return 0;
  const n = array_len(parts);
  const texts = array_new(n);
  let total: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let v = array_get(parts, i);
    const t = value_type(v);
    if (t == TYPE_SET) {
      const m = set_len(v);
      if (m > 1) abort_code("eval_conflict_error", "template-strings must not produce multiple outputs");
      v = m == 0 ? string_from_literal("<undefined>") : set_elem_at(v, 0);
    } else if (t == TYPE_ARRAY || t == TYPE_OBJECT) {
      return builtin_fail("internal.template_string", "illegal argument type");
    }
    const s = value_type(v) == TYPE_STRING ? v : rego_text_string(v);
    array_append(texts, s);
    total += string_len(s);
  }
  const out = string_alloc(total);
  let o = string_ptr(out);
  for (let i: u32 = 0; i < n; i++) {
    const s = array_get(texts, i);
    memory.copy(o, string_ptr(s), <usize>string_len(s));
    o += <usize>string_len(s);
  }
  return out;
}
