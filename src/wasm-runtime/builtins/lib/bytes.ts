// Byte-range helpers for the string built-ins: equality, substring search and Go's Unicode
// white space. Strings are UTF-8 byte ranges, so byte search finds code point boundaries
// for valid UTF-8 needles.

/** Whether `n` bytes at `a` and `b` are equal. */
export function bytes_equal(a: usize, b: usize, n: usize): bool {
  return memory.compare(a, b, n) == 0;
}

/** Byte offset of the first `needle` in `hay` at or after `from`, or -1. */
export function bytes_find(hay: usize, hayLen: i32, needle: usize, needleLen: i32, from: i32): i32 {
  if (needleLen == 0) return from <= hayLen ? from : -1;
  const first = load<u8>(needle);
  const last = hayLen - needleLen;
  for (let i = from; i <= last; i++) {
    if (load<u8>(hay + <usize>i) == first && memory.compare(hay + <usize>i, needle, <usize>needleLen) == 0) return i;
  }
  return -1;
}

/** Go's unicode.IsSpace. */
export function is_space(cp: i32): bool {
  if (cp < 0x80) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0d);
  if (cp == 0x85 || cp == 0xa0 || cp == 0x1680) return true;
  if (cp >= 0x2000 && cp <= 0x200a) return true;
  return cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}
