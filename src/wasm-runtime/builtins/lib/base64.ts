// Base64 (RFC 4648, standard and URL alphabets) and hex codecs over raw bytes, with Go's
// encoding/base64 and encoding/hex acceptance rules: padded input in quanta of 4, `\r` and `\n`
// skipped, nothing after the padding; hex in pairs of either case.

const STD: usize = memory.data<u8>([
  65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90,
  97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118,
  119, 120, 121, 122, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 43, 47,
]);

/** Encoded size of `n` bytes (with padding, or without). */
export function b64_encoded_len(n: u32, pad: bool): u32 {
  return pad ? ((n + 2) / 3) * 4 : (n / 3) * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

function sym(v: u32, url: bool): u8 {
  const c = load<u8>(STD + <usize>v);
  if (url) {
    if (c == 0x2b) return 0x2d; // + → -
    if (c == 0x2f) return 0x5f; // / → _
  }
  return c;
}

/** Encodes `n` bytes at `src` to `out` (room for `b64_encoded_len`); returns the length written. */
export function b64_encode(src: usize, n: u32, out: usize, url: bool, pad: bool): u32 {
  let o: u32 = 0;
  let i: u32 = 0;
  while (i + 3 <= n) {
    const v = (<u32>load<u8>(src + i) << 16) | (<u32>load<u8>(src + i + 1) << 8) | <u32>load<u8>(src + i + 2);
    store<u8>(out + o, sym(v >> 18, url));
    store<u8>(out + o + 1, sym((v >> 12) & 63, url));
    store<u8>(out + o + 2, sym((v >> 6) & 63, url));
    store<u8>(out + o + 3, sym(v & 63, url));
    o += 4;
    i += 3;
  }
  const rest = n - i;
  if (rest > 0) {
    let v = <u32>load<u8>(src + i) << 16;
    if (rest == 2) v |= <u32>load<u8>(src + i + 1) << 8;
    store<u8>(out + o++, sym(v >> 18, url));
    store<u8>(out + o++, sym((v >> 12) & 63, url));
    if (rest == 2) store<u8>(out + o++, sym((v >> 6) & 63, url));
    else if (pad) store<u8>(out + o++, 0x3d);
    if (pad) store<u8>(out + o++, 0x3d);
  }
  return o;
}

function b64_value(c: u32, url: bool): i32 {
  if (c >= 65 && c <= 90) return <i32>c - 65;
  if (c >= 97 && c <= 122) return <i32>c - 97 + 26;
  if (c >= 48 && c <= 57) return <i32>c - 48 + 52;
  if (url) {
    if (c == 0x2d) return 62;
    if (c == 0x5f) return 63;
  } else {
    if (c == 0x2b) return 62;
    if (c == 0x2f) return 63;
  }
  return -1;
}

/** Input offset of the byte where the last failed `b64_decode` stopped (Go's CorruptInputError). */
export let b64ErrorAt: i32 = 0;

/**
 * Decodes padded base64 at `src` (n bytes) into `out` (room for n*3/4 bytes). Returns the
 * decoded length, or -1 when Go's decoder would refuse the input.
 */
export function b64_decode(src: usize, n: u32, out: usize, url: bool): i32 {
  let o: u32 = 0;
  let acc: u32 = 0;
  let have: u32 = 0; // symbols in the current quantum
  let pads: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(src + i);
    if (c == 0x0a || c == 0x0d) continue;
    if (pads > 0) {
      // Only more padding may follow padding, and only to complete the quantum.
      if (c != 0x3d) return fail(i);
      pads++;
      have++;
      if (have > 4) return fail(i);
      continue;
    }
    if (c == 0x3d) {
      if (have < 2) return fail(i);
      pads = 1;
      have++;
      continue;
    }
    const v = b64_value(c, url);
    if (v < 0) return fail(i);
    acc = (acc << 6) | <u32>v;
    have++;
    if (have == 4) {
      store<u8>(out + o, <u8>(acc >> 16));
      store<u8>(out + o + 1, <u8>(acc >> 8));
      store<u8>(out + o + 2, <u8>acc);
      o += 3;
      acc = 0;
      have = 0;
    }
  }
  if (pads > 0) {
    if (have != 4) return fail(n);
    const syms = 4 - pads; // 2 or 3 data symbols
    if (syms == 2) {
      store<u8>(out + o, <u8>(acc >> 4));
      o += 1;
    } else {
      store<u8>(out + o, <u8>(acc >> 10));
      store<u8>(out + o + 1, <u8>(acc >> 2));
      o += 2;
    }
    return <i32>o;
  }
  return have == 0 ? <i32>o : fail(n);
}

/** Records where decoding failed; returns -1, the decoders' failure value. */
export function fail(at: u32): i32 {
  b64ErrorAt = <i32>at;
  return -1;
}

/** Writes lowercase hex of `n` bytes at `src` to `out` (2n bytes). */
export function hex_encode(src: usize, n: u32, out: usize): void {
  for (let i: u32 = 0; i < n; i++) {
    const b = <u32>load<u8>(src + i);
    const hi = b >> 4;
    const lo = b & 15;
    store<u8>(out + 2 * i, <u8>(hi < 10 ? 48 + hi : 87 + hi));
    store<u8>(out + 2 * i + 1, <u8>(lo < 10 ? 48 + lo : 87 + lo));
  }
}

function hexDigit(c: u32): i32 {
  if (c >= 48 && c <= 57) return <i32>c - 48;
  if (c >= 97 && c <= 102) return <i32>c - 87;
  if (c >= 65 && c <= 70) return <i32>c - 55;
  return -1;
}

/** Address of the invalid byte that failed the last `hex_decode`, or 0 for an odd length. */
export let hexErrorAt: usize = 0;

/** Decodes hex (even length) into `out` (n/2 bytes); -1 on an odd length or a non-hex byte. */
export function hex_decode(src: usize, n: u32, out: usize): i32 {
  // Go reports the first invalid byte, even before an odd length.
  for (let i: u32 = 0; i + 1 < n; i += 2) {
    const a = hexDigit(<u32>load<u8>(src + i));
    const b = hexDigit(<u32>load<u8>(src + i + 1));
    if (a < 0 || b < 0) {
      hexErrorAt = a < 0 ? src + i : src + i + 1;
      return -1;
    }
    store<u8>(out + i / 2, <u8>((a << 4) | b));
  }
  if ((n & 1) == 1) {
    hexErrorAt = hexDigit(<u32>load<u8>(src + n - 1)) < 0 ? src + n - 1 : 0;
    return -1;
  }
  return <i32>(n / 2);
}
