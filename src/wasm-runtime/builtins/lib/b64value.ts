// Base64 decoding straight to string values, shared by encoding.ts and jwt.ts: padded input,
// or base64url whose missing padding is restored first (RFC 7515 appendix C), as OPA does.

import { alloc, alloc_shrink } from "../../alloc";
import { string_new } from "../../value";
import { b64_decode, fail } from "./base64";

/** Decoded bytes as a string value, or 0 when the input is not valid padded base64. */
export function b64_decode_string(src: usize, n: u32, url: bool): usize {
  const cap = (n / 4 + 1) * 3;
  const out = alloc(cap);
  const m = b64_decode(src, n, out, url);
  if (m < 0) return 0;
  alloc_shrink(out, cap, <u32>m);
  return string_new(out, <u32>m);
}

/** base64url without padding gets it added first (RFC 7515 appendix C), as OPA does. */
export function b64url_decode_string(src: usize, n: u32): usize {
  if (n == 0 || load<u8>(src + n - 1) == 0x3d || n % 4 == 0) return b64_decode_string(src, n, true);
  const r = n % 4;
  if (r == 1) {
    // No padding can complete a quantum of one symbol: Go's decoder fails at the last byte.
    fail(n - 1);
    return 0;
  }
  const padded = alloc(n + 2);
  memory.copy(padded, src, n);
  store<u8>(padded + n, 0x3d);
  if (r == 2) store<u8>(padded + n + 1, 0x3d);
  return b64_decode_string(padded, n + (r == 2 ? 2 : 1), true);
}

