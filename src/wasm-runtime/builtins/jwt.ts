// io.jwt.decode: splits a JWS compact token and returns [header, payload, signature as hex]
// without verifying anything, following OPA: nested tokens (`cty: JWT`) are unwrapped, JWE
// headers (`enc`) are refused, and any malformed part makes the call undefined.

import {
  value_type, string_ptr, string_len, string_alloc, string_from_literal, array_new, array_append,
  TYPE_OBJECT, TYPE_STRING,
} from "../value";
import { object_get } from "../table";
import { json_parse } from "../json";
import { need_string, builtin_fail, builtin_fail_at } from "./lib/args";
import { b64url_decode_string } from "./lib/b64value";
import { hex_encode, b64ErrorAt } from "./lib/base64";

/** Parses `len` bytes at `p` as a JSON object, or 0. */
function jsonObject(p: usize, len: u32): usize {
  const v = json_parse(p, len);
  return v != 0 && value_type(v) == TYPE_OBJECT ? v : 0;
}

/** Whether the string value `v` has exactly the bytes of the ASCII literal `lit`. */
function stringIs(v: usize, lit: string): bool {
  const n = <u32>lit.length;
  if (string_len(v) != n) return false;
  const p = string_ptr(v);
  for (let i: u32 = 0; i < n; i++) {
    if (<u32>load<u8>(p + i) != <u32>lit.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether `c` is `"` or `'`: the cutset OPA trims off a nested token. */
function isQuote(c: u8): bool {
  return c == 0x22 || c == 0x27;
}

export function builtin_io_jwt_decode(token: usize): usize {
  if (!need_string("io.jwt.decode", 1, token)) return 0;
  let p = string_ptr(token);
  let len = string_len(token);
  // Keys looked up in headers.
  const CTY = string_from_literal("cty");
  const ENC = string_from_literal("enc");
  while (true) {
    // Exactly three sections separated by two dots.
    let dot1: i32 = -1;
    let dot2: i32 = -1;
    let dots = 0;
    for (let i: u32 = 0; i < len; i++) {
      if (load<u8>(p + i) == 0x2e) {
        dots++;
        if (dots == 1) dot1 = <i32>i;
        else if (dots == 2) dot2 = <i32>i;
      }
    }
    if (dots == 0) return builtin_fail("io.jwt.decode", "encoded JWT had no period separators");
    if (dots != 2) return builtin_fail_at("io.jwt.decode", "encoded JWT must have 3 sections, found ", dots + 1);
    const h = b64url_decode_string(p, <u32>dot1);
    if (h == 0) return builtin_fail_at("io.jwt.decode", "JWT header had invalid encoding: illegal base64 data at input byte ", b64ErrorAt);
    const header = jsonObject(string_ptr(h), string_len(h));
    if (header == 0) return builtin_fail("io.jwt.decode", "bad JWT header: decoded JSON type is not an Object");
    if (object_get(header, ENC) != 0) return builtin_fail("io.jwt.decode", "JWT is a JWE object, which is not supported");
    const pl = b64url_decode_string(p + <usize>dot1 + 1, <u32>(dot2 - dot1 - 1));
    if (pl == 0) return builtin_fail_at("io.jwt.decode", "JWT payload had invalid encoding: illegal base64 data at input byte ", b64ErrorAt);
    const cty = object_get(header, CTY);
    if (cty != 0 && value_type(cty) == TYPE_STRING && stringIs(cty, "JWT")) {
      // A nested token, quoted as jwt.io does: trim quotes and go round again.
      let q = string_ptr(pl);
      let end = q + string_len(pl);
      while (q < end && isQuote(load<u8>(q))) q++;
      while (end > q && isQuote(load<u8>(end - 1))) end--;
      p = q;
      len = <u32>(end - q);
      continue;
    }
    const payload = jsonObject(string_ptr(pl), string_len(pl));
    if (payload == 0) return builtin_fail("io.jwt.decode", "decoded JSON type is not an Object");
    const sig = b64url_decode_string(p + <usize>dot2 + 1, len - <u32>dot2 - 1);
    if (sig == 0) return builtin_fail_at("io.jwt.decode", "JWT signature had invalid encoding: illegal base64 data at input byte ", b64ErrorAt);
    const hex = string_alloc(string_len(sig) * 2);
    hex_encode(string_ptr(sig), string_len(sig), string_ptr(hex));
    const out = array_new(3);
    array_append(out, header);
    array_append(out, payload);
    array_append(out, hex);
    return out;
  }
  return 0;
}
