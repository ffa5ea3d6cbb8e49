// UTF-8 helpers over raw byte ranges: code point counting and offsets (Rego counts characters
// as code points), decoding, and turning AssemblyScript string literals into UTF-8 bytes.

/** Byte width of a sequence from its lead byte (1 for stray continuation bytes). */
// @ts-ignore: decorator
@inline
export function utf8_width(b: u32): u32 {
  if (b < 0x80) return 1;
  if (b < 0xe0) return b < 0xc0 ? 1 : 2;
  if (b < 0xf0) return 3;
  return 4;
}

/** Number of code points in `len` bytes at `ptr`. */
export function utf8_count(ptr: usize, len: u32): u32 {
  let n: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    // Every byte that is not a continuation byte starts a code point.
    if ((<u32>load<u8>(ptr + i) & 0xc0) != 0x80) n++;
  }
  return n;
}

/** Byte offset of code point `n`, or `len` when the string is shorter. */
export function utf8_offset(ptr: usize, len: u32, n: u32): u32 {
  let i: u32 = 0;
  while (i < len && n > 0) {
    i += utf8_width(<u32>load<u8>(ptr + i));
    n--;
  }
  return i < len ? i : len;
}

/** The code point at byte `pos` (U+FFFD for malformed sequences). */
export function utf8_decode(ptr: usize, len: u32, pos: u32): u32 {
  const b0 = <u32>load<u8>(ptr + pos);
  if (b0 < 0x80) return b0;
  const w = utf8_width(b0);
  if (w == 1 || pos + w > len) return 0xfffd;
  let cp: u32 = w == 2 ? b0 & 0x1f : w == 3 ? b0 & 0x0f : b0 & 0x07;
  for (let k: u32 = 1; k < w; k++) {
    const b = <u32>load<u8>(ptr + pos + k);
    if ((b & 0xc0) != 0x80) return 0xfffd;
    cp = (cp << 6) | (b & 0x3f);
  }
  return cp;
}

/** Writes code point `cp` at `out`; returns the byte count (1–4). */
export function utf8_encode(out: usize, cp: u32): u32 {
  if (cp < 0x80) {
    store<u8>(out, <u8>cp);
    return 1;
  }
  if (cp < 0x800) {
    store<u8>(out, <u8>(0xc0 | (cp >> 6)));
    store<u8>(out + 1, <u8>(0x80 | (cp & 0x3f)));
    return 2;
  }
  if (cp < 0x10000) {
    store<u8>(out, <u8>(0xe0 | (cp >> 12)));
    store<u8>(out + 1, <u8>(0x80 | ((cp >> 6) & 0x3f)));
    store<u8>(out + 2, <u8>(0x80 | (cp & 0x3f)));
    return 3;
  }
  store<u8>(out, <u8>(0xf0 | (cp >> 18)));
  store<u8>(out + 1, <u8>(0x80 | ((cp >> 12) & 0x3f)));
  store<u8>(out + 2, <u8>(0x80 | ((cp >> 6) & 0x3f)));
  store<u8>(out + 3, <u8>(0x80 | (cp & 0x3f)));
  return 4;
}

/** Length of an AssemblyScript string literal in UTF-16 units (no allocation). */
// @ts-ignore: decorator
@inline
export function literal_units(s: string): i32 {
  return s.length;
}

/** Bytes `s` needs in UTF-8. */
export function literal_utf8_len(s: string): u32 {
  const p = changetype<usize>(s);
  const n = s.length;
  let total: u32 = 0;
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u16>(p + (<usize>i << 1));
    total += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return total;
}

/** Writes `s` as UTF-8 at `out` (BMP only: literals in the runtime are ASCII); returns bytes. */
export function literal_write(out: usize, s: string): u32 {
  const p = changetype<usize>(s);
  const n = s.length;
  let o: u32 = 0;
  for (let i = 0; i < n; i++) {
    o += utf8_encode(out + o, <u32>load<u16>(p + (<usize>i << 1)));
  }
  return o;
}
