// Object built-ins: object.get (a key or an array path), object.keys, object.union (deep merge,
// the right side wins) and object.remove. Results are new objects; operands are never mutated.

import {
  value_type, number_is_integer, number_fits_i64, number_as_i64, array_len, array_get,
  TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, TYPE_NUMBER,
} from "../value";
import {
  object_new_cap, object_insert, object_get, object_len, object_key_at, object_value_at, object_copy,
  set_new_cap, set_add, set_contains,
} from "../table";
import { need_object, type_error } from "./lib/args";

/** The value at `path[i..]` under `v`, or 0 (Go's ast Value.Find). */
function find(v: usize, path: usize, i: u32): usize {
  const n = array_len(path);
  while (i < n) {
    const k = array_get(path, i);
    const t = value_type(v);
    if (t == TYPE_OBJECT) {
      v = object_get(v, k);
      if (v == 0) return 0;
    } else if (t == TYPE_ARRAY) {
      if (value_type(k) != TYPE_NUMBER || !number_is_integer(k) || !number_fits_i64(k)) return 0;
      const idx = number_as_i64(k);
      if (idx < 0 || idx >= <i64>array_len(v)) return 0;
      v = array_get(v, <u32>idx);
    } else if (t == TYPE_SET) {
      if (!set_contains(v, k)) return 0;
      v = k;
    } else {
      return 0;
    }
    i++;
  }
  return v;
}

export function builtin_object_get(obj: usize, key: usize, dflt: usize): usize {
  if (!need_object("object.get", 1, obj)) return 0;
  if (value_type(key) == TYPE_ARRAY) {
    if (array_len(key) == 0) return obj;
    const v = find(obj, key, 0);
    return v != 0 ? v : dflt;
  }
  const v = object_get(obj, key);
  return v != 0 ? v : dflt;
}

export function builtin_object_keys(obj: usize): usize {
  if (!need_object("object.keys", 1, obj)) return 0;
  const n = object_len(obj);
  const out = set_new_cap(n);
  for (let i: u32 = 0; i < n; i++) set_add(out, object_key_at(obj, i));
  return out;
}

/** Deep merge: keys of both; where both values are objects they merge, otherwise `b`'s wins. */
function merge(a: usize, b: usize): usize {
  const out = object_copy(a);
  const n = object_len(b);
  for (let i: u32 = 0; i < n; i++) {
    const k = object_key_at(b, i);
    const vb = object_value_at(b, i);
    const va = object_get(a, k);
    if (va != 0 && value_type(va) == TYPE_OBJECT && value_type(vb) == TYPE_OBJECT) {
      object_insert(out, k, merge(va, vb));
    } else {
      object_insert(out, k, vb);
    }
  }
  return out;
}

export function builtin_object_union(a: usize, b: usize): usize {
  if (!need_object("object.union", 1, a)) return 0;
  if (!need_object("object.union", 2, b)) return 0;
  return merge(a, b);
}

export function builtin_object_remove(obj: usize, keys: usize): usize {
  if (!need_object("object.remove", 1, obj)) return 0;
  const t = value_type(keys);
  if (t != TYPE_ARRAY && t != TYPE_SET && t != TYPE_OBJECT) {
    return type_error("object.remove", 2, "one of {object, set, array}", keys);
  }
  // An array of keys becomes a set, so that each lookup is a hash probe.
  let drop = keys;
  if (t == TYPE_ARRAY) {
    const m = array_len(keys);
    drop = set_new_cap(m);
    for (let i: u32 = 0; i < m; i++) set_add(drop, array_get(keys, i));
  }
  const n = object_len(obj);
  const out = object_new_cap(n);
  for (let i: u32 = 0; i < n; i++) {
    const k = object_key_at(obj, i);
    const gone = t == TYPE_OBJECT ? object_get(drop, k) != 0 : set_contains(drop, k);
    if (!gone) object_insert(out, k, object_value_at(obj, i));
  }
  return out;
}
