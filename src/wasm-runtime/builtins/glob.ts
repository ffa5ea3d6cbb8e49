// glob.match(pattern, delimiters, subject): gobwas/glob semantics as OPA uses them. Delimiters
// are single characters; null means none (so `*` spans everything) and [] means ["."].
// A malformed pattern (unclosed `[`/`{`, trailing `\`) makes the call undefined.

import { value_type, string_ptr, string_len, array_len, array_get, bool_value, TYPE_NULL, TYPE_ARRAY, TYPE_STRING } from "../value";
import { alloc } from "../alloc";
import { need_string, type_error, elem_error, builtin_fail } from "./lib/args";
import { globMatch, globError } from "./lib/glob";
import { utf8Decode, utf8Width } from "./lib/unicode";

export function builtin_glob_match(pattern: usize, delims: usize, subject: usize): usize {
  if (!need_string("glob.match", 1, pattern)) return 0;
  const dt = value_type(delims);
  if (dt != TYPE_NULL && dt != TYPE_ARRAY) return type_error("glob.match", 2, "one of {array, null}", delims);
  let n: u32 = 0;
  let buf: usize = 0;
  if (dt == TYPE_ARRAY) {
    n = array_len(delims);
    const cells: usize = n > 0 ? <usize>n : 1;
    buf = alloc(cells << 2);
    for (let i: u32 = 0; i < n; i++) {
      const d = array_get(delims, i);
      if (value_type(d) != TYPE_STRING) return elem_error("glob.match", 2, delims, "strings", d);
      const p = string_ptr(d);
      const len = string_len(d);
      const cp = len > 0 ? utf8Decode(p, p + len) : -1;
      if (len == 0 || <u32>utf8Width != len) return elem_error("glob.match", 2, delims, "runes", d);
      store<i32>(buf + (<usize>i << 2), cp);
    }
    if (n == 0) {
      store<i32>(buf, 0x2e);
      n = 1;
    }
  }
  if (!need_string("glob.match", 3, subject)) return 0;
  const ok = globMatch(string_ptr(pattern), <i32>string_len(pattern), string_ptr(subject), <i32>string_len(subject), buf, <i32>n);
  if (globError) return builtin_fail("glob.match", "malformed glob pattern");
  return bool_value(ok);
}
