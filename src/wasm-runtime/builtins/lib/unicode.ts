// UTF-8 decoding and encoding over raw memory for the string built-ins, plus simple (1:1)
// case mapping. Invalid bytes decode as U+FFFD of width 1, as Go's utf8.DecodeRune does, so
// code-point counts and indexes agree with OPA on any input.

import { utf8_encode } from "../../utf8";

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

// Simple case mapping (Go's unicode.ToLower/ToUpper for these blocks): ASCII, Latin-1,
// Latin Extended-A, Greek and Coptic, Cyrillic and Cyrillic Supplement, Armenian, Latin Extended
// Additional and fullwidth Latin. Other code points map to themselves. No mapping here makes a
// code point's UTF-8 form longer, which mapCase in strings.ts relies on.

/** The case of `cp` (upper when `upper`) in Armenian, Latin Extended Additional and fullwidth Latin. */
function otherCase(cp: i32, upper: bool): i32 {
  if (cp >= 0x531 && cp <= 0x556) return upper ? cp : cp + 0x30;
  if (cp >= 0x561 && cp <= 0x586) return upper ? cp - 0x30 : cp;
  if ((cp >= 0x1e00 && cp <= 0x1e95) || (cp >= 0x1ea0 && cp <= 0x1eff)) return upper ? cp & ~1 : cp | 1;
  if (cp == 0x1e9b) return upper ? 0x1e60 : cp;
  if (cp == 0x1e9e) return upper ? cp : 0xdf;
  if (cp >= 0xff21 && cp <= 0xff3a) return upper ? cp : cp + 0x20;
  if (cp >= 0xff41 && cp <= 0xff5a) return upper ? cp - 0x20 : cp;
  return cp;
}

/** Lower-case of `cp`. */
export function toLowerCp(cp: i32): i32 {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp;
  if (cp < 0x100) return (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ? cp + 32 : cp;
  if (cp < 0x180) {
    if (cp == 0x130) return 0x69;
    if (cp == 0x178) return 0xff;
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177)) return cp | 1;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) return (cp & 1) == 1 ? cp + 1 : cp;
    return cp;
  }
  if (cp >= 0x370 && cp < 0x400) {
    if ((cp >= 0x391 && cp <= 0x3a1) || (cp >= 0x3a3 && cp <= 0x3ab)) return cp + 32;
    if (cp == 0x386) return 0x3ac;
    if (cp >= 0x388 && cp <= 0x38a) return cp + 37;
    if (cp == 0x38c) return 0x3cc;
    if (cp == 0x38e || cp == 0x38f) return cp + 63;
    if ((cp >= 0x3d8 && cp <= 0x3ef) || cp == 0x370 || cp == 0x372 || cp == 0x376) return cp | 1;
    // The archaic and symbol letters.
    if (cp >= 0x3fd) return cp - 0x82; // Ͻ Ͼ Ͽ → ͻ ͼ ͽ
    if (cp == 0x37f) return 0x3f3;
    if (cp == 0x3cf) return 0x3d7;
    if (cp == 0x3f4) return 0x3b8;
    if (cp == 0x3f7 || cp == 0x3fa) return cp + 1;
    if (cp == 0x3f9) return 0x3f2;
    return cp;
  }
  if (cp >= 0x400 && cp < 0x530) {
    if (cp < 0x410) return cp + 80;
    if (cp < 0x430) return cp + 32;
    if (cp < 0x460) return cp;
    if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48a && cp <= 0x4bf) || cp >= 0x4d0) return cp | 1;
    if (cp == 0x4c0) return 0x4cf;
    if (cp >= 0x4c1 && cp <= 0x4ce) return (cp & 1) == 1 ? cp + 1 : cp;
    return cp;
  }
  return otherCase(cp, false);
}

/** Upper-case of `cp`. */
export function toUpperCp(cp: i32): i32 {
  if (cp < 0x80) return cp >= 0x61 && cp <= 0x7a ? cp - 32 : cp;
  if (cp < 0x100) {
    if (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7) return cp - 32;
    if (cp == 0xb5) return 0x39c;
    if (cp == 0xff) return 0x178;
    return cp;
  }
  if (cp < 0x180) {
    if (cp == 0x131) return 0x49;
    if (cp == 0x17f) return 0x53;
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177)) return cp & ~1;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) return (cp & 1) == 0 ? cp - 1 : cp;
    return cp;
  }
  if (cp >= 0x370 && cp < 0x400) {
    if ((cp >= 0x3b1 && cp <= 0x3c1) || (cp >= 0x3c3 && cp <= 0x3cb)) return cp - 32;
    if (cp == 0x3c2) return 0x3a3;
    if (cp == 0x3ac) return 0x386;
    if (cp >= 0x3ad && cp <= 0x3af) return cp - 37;
    if (cp == 0x3cc) return 0x38c;
    if (cp == 0x3cd || cp == 0x3ce) return cp - 63;
    if ((cp >= 0x3d8 && cp <= 0x3ef) || cp == 0x371 || cp == 0x373 || cp == 0x377) return cp & ~1;
    // The archaic and symbol letters.
    if (cp >= 0x37b && cp <= 0x37d) return cp + 0x82;
    switch (cp) {
      case 0x3f3: return 0x37f;
      case 0x3d7: return 0x3cf;
      case 0x3d0: return 0x392;
      case 0x3d1: return 0x398;
      case 0x3d5: return 0x3a6;
      case 0x3d6: return 0x3a0;
      case 0x3f0: return 0x39a;
      case 0x3f1: return 0x3a1;
      case 0x3f2: return 0x3f9;
      case 0x3f5: return 0x395;
      case 0x3f8: return 0x3f7;
      case 0x3fb: return 0x3fa;
    }
    return cp;
  }
  if (cp >= 0x400 && cp < 0x530) {
    if (cp >= 0x450 && cp < 0x460) return cp - 80;
    if (cp >= 0x430 && cp < 0x450) return cp - 32;
    if (cp < 0x460) return cp;
    if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48a && cp <= 0x4bf) || cp >= 0x4d0) return cp & ~1;
    if (cp == 0x4cf) return 0x4c0;
    if (cp >= 0x4c1 && cp <= 0x4ce) return (cp & 1) == 0 ? cp - 1 : cp;
    return cp;
  }
  return otherCase(cp, true);
}
