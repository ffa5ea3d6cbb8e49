// Value hashing for the object/set index. Consistent with value_equal: numbers hash by value
// (so 1 and 1.0 collide), composites combine their parts, order-independently for objects
// and sets. Strings cache their hash in the value header.

import {
  TYPE_NULL, TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET,
  NUM_INT, number_as_f64, string_ptr, string_len, array_len, array_elems, bool_get,
} from "./value";
import { table_len, table_hash_raw, table_value_raw } from "./table";

// @ts-ignore: decorator
@inline
function mix64(x: u64): u32 {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccd;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53;
  x ^= x >> 33;
  return <u32>x;
}

function hash_bytes(p: usize, n: u32): u32 {
  // FNV-1a: short keys (header names, attribute keys) dominate lookups.
  let h: u32 = 0x811c9dc5;
  for (let i: u32 = 0; i < n; i++) {
    h = (h ^ <u32>load<u8>(p + i)) * 0x01000193;
  }
  return h;
}

function hash_number(v: usize): u32 {
  if (load<u8>(v, 1) == NUM_INT) return mix64(<u64>load<i64>(v, 8));
  const x = number_as_f64(v);
  if (Math.floor(x) == x && Math.abs(x) < 9.2e18) return mix64(<u64><i64>x);
  return mix64(reinterpret<u64>(x));
}

export function value_hash(v: usize): u32 {
  switch (load<u8>(v)) {
    case TYPE_NULL: return 0x6e756c6c;
    case TYPE_BOOLEAN: return bool_get(v) ? 0x74727565 : 0x66616c73;
    case TYPE_NUMBER: return hash_number(v);
    case TYPE_STRING: {
      let h = load<u32>(v, 12);
      if (h == 0) {
        h = hash_bytes(string_ptr(v), string_len(v)) | 1;
        store<u32>(v, h, 12);
      }
      return h;
    }
    case TYPE_ARRAY: {
      const n = array_len(v);
      const e = array_elems(v);
      let h: u32 = 0x61727261 ^ n;
      for (let i: u32 = 0; i < n; i++) h = h * 31 + value_hash(<usize>load<u32>(e + (<usize>i << 2)));
      return h;
    }
    case TYPE_OBJECT: {
      const n = table_len(v);
      let h: u32 = 0x6f626a65 ^ n;
      for (let i: u32 = 0; i < n; i++) {
        h += mix64((<u64>table_hash_raw(v, i) << 32) | <u64>value_hash(table_value_raw(v, i)));
      }
      return h;
    }
    case TYPE_SET: {
      const n = table_len(v);
      let h: u32 = 0x73657473 ^ n;
      for (let i: u32 = 0; i < n; i++) h += mix64(<u64>table_hash_raw(v, i));
      return h;
    }
  }
  return 0;
}
