// Encoding built-ins: base64.*, base64url.* (decode tolerates missing padding as OPA does),
// hex.encode/decode and json.marshal/unmarshal/is_valid through the runtime's JSON dump and
// parser. Undecodable input makes the call undefined, as OPA without strict errors.

import { value_type, string_ptr, string_len, string_new, string_alloc, bool_value, TYPE_STRING } from "../value";
import { alloc } from "../alloc";
import { json_parse } from "../json";
import { json_dump_string } from "../dump";
import { need_string, builtin_fail, builtin_fail_at, builtin_fail_byte } from "./lib/args";
import { b64_encoded_len, b64_encode, hex_encode, hex_decode, b64ErrorAt, hexErrorAt } from "./lib/base64";
import { b64_decode_string, b64url_decode_string } from "./lib/b64value";

function encode(name: string, s: usize, url: bool, pad: bool): usize {
  if (!need_string(name, 1, s)) return 0;
  const n = string_len(s);
  const out = string_alloc(b64_encoded_len(n, pad));
  b64_encode(string_ptr(s), n, string_ptr(out), url, pad);
  return out;
}

export function builtin_base64_encode(s: usize): usize {
  return encode("base64.encode", s, false, true);
}

export function builtin_base64url_encode(s: usize): usize {
  return encode("base64url.encode", s, true, true);
}

export function builtin_base64url_encode_no_pad(s: usize): usize {
  return encode("base64url.encode_no_pad", s, true, false);
}

export function builtin_base64_decode(s: usize): usize {
  if (!need_string("base64.decode", 1, s)) return 0;
  const v = b64_decode_string(string_ptr(s), string_len(s), false);
  return v != 0 ? v : builtin_fail_at("base64.decode", "illegal base64 data at input byte ", b64ErrorAt);
}

export function builtin_base64_is_valid(s: usize): usize {
  if (!need_string("base64.is_valid", 1, s)) return 0;
  return bool_value(b64_decode_string(string_ptr(s), string_len(s), false) != 0);
}

export function builtin_base64url_decode(s: usize): usize {
  if (!need_string("base64url.decode", 1, s)) return 0;
  const v = b64url_decode_string(string_ptr(s), string_len(s));
  return v != 0 ? v : builtin_fail_at("base64url.decode", "illegal base64 data at input byte ", b64ErrorAt);
}

export function builtin_hex_encode(s: usize): usize {
  if (!need_string("hex.encode", 1, s)) return 0;
  const n = string_len(s);
  const out = string_alloc(n * 2);
  hex_encode(string_ptr(s), n, string_ptr(out));
  return out;
}

export function builtin_hex_decode(s: usize): usize {
  if (!need_string("hex.decode", 1, s)) return 0;
  const n = string_len(s);
  const out = alloc(n / 2 + 1);
  const m = hex_decode(string_ptr(s), n, out);
  if (m < 0) {
    if (hexErrorAt == 0) return builtin_fail("hex.decode", "encoding/hex: odd length hex string");
    return builtin_fail_byte("hex.decode", "encoding/hex: invalid byte: ", hexErrorAt);
  }
  return string_new(out, <u32>m);
}

export function builtin_json_marshal(v: usize): usize {
  return json_dump_string(v);
}

export function builtin_json_unmarshal(s: usize): usize {
  if (!need_string("json.unmarshal", 1, s)) return 0;
  const v = json_parse(string_ptr(s), string_len(s));
  return v != 0 ? v : builtin_fail("json.unmarshal", "invalid character in JSON text");
}

export function builtin_json_is_valid(s: usize): usize {
  if (value_type(s) != TYPE_STRING) return bool_value(false);
  return bool_value(json_parse(string_ptr(s), string_len(s)) != 0);
}
