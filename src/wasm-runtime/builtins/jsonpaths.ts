// json.filter and json.remove (OPA's topdown/json.go): paths given as "a/b/0" strings or arrays
// of segments become one tree of objects with null leaves (a shorter path covers the longer ones
// below it); filter keeps what the tree reaches, remove drops it. Array indexes match the segment
// strings "0", "1", …; sets match members; operands are never mutated.

import {
  value_type, type_name_of, string_ptr, string_len, string_new, null_value, array_new, array_append, array_len,
  array_get, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, TYPE_NULL,
} from "../value";
import {
  object_new, object_new_cap, object_insert, object_get, object_len, object_key_at, object_value_at,
  set_new_cap, set_add, set_len, set_elem_at,
} from "../table";
import { alloc } from "../alloc";
import { need_object, type_error, raw_type_error } from "./lib/args";

/** The index `i` as the string segment that names it in a path ("0", "1", …). */
function format_index(i: u32): usize {
  const buf = alloc(10);
  let n = 0;
  let x = i;
  do {
    n++;
    x /= 10;
  } while (x > 0);
  x = i;
  for (let k = n - 1; k >= 0; k--) {
    store<u8>(buf + <usize>k, <u8>(0x30 + x % 10));
    x /= 10;
  }
  return string_new(buf, <u32>n);
}

/** A "/a/b~1c" path as its segments (`~1` is "/", `~0` is "~"); leading slashes are dropped. */
function split_path(s: usize): usize {
  const p = string_ptr(s);
  const len = <i32>string_len(s);
  const out = array_new(4);
  if (len == 0) return out;
  let i = 0;
  while (i < len && load<u8>(p + <usize>i) == 0x2f) i++;
  let start = i;
  for (let j = i; j <= len; j++) {
    if (j == len || load<u8>(p + <usize>j) == 0x2f) {
      array_append(out, unescape(p + <usize>start, j - start));
      start = j + 1;
    }
  }
  return out;
}

function unescape(p: usize, n: i32): usize {
  const size: usize = n > 0 ? <usize>n : 1;
  const buf = alloc(size);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x7e && i + 1 < n && (load<u8>(p + <usize>i + 1) == 0x31 || load<u8>(p + <usize>i + 1) == 0x30)) {
      store<u8>(buf + <usize>o, load<u8>(p + <usize>i + 1) == 0x31 ? 0x2f : 0x7e);
      i++;
    } else {
      store<u8>(buf + <usize>o, c);
    }
    o++;
  }
  return string_new(buf, <u32>o);
}

/** The tree of `paths` (an array or set of paths), or 0 after an operand error. */
function path_tree(name: string, paths: usize): usize {
  const t = value_type(paths);
  if (t != TYPE_ARRAY && t != TYPE_SET) return type_error(name, 2, "one of {set, array}", paths);
  const root = object_new();
  const n = t == TYPE_ARRAY ? array_len(paths) : set_len(paths);
  for (let i: u32 = 0; i < n; i++) {
    const path = t == TYPE_ARRAY ? array_get(paths, i) : set_elem_at(paths, i);
    const tp = value_type(path);
    let segs: usize;
    if (tp == TYPE_STRING) segs = split_path(path);
    else if (tp == TYPE_ARRAY) segs = path;
    else {
      return raw_type_error(name, 2, "must be one of {set, array} containing string paths or array of path segments but got ", type_name_of(path), "");
    }
    insert_path(root, segs);
  }
  return root;
}

function insert_path(root: usize, segs: usize): void {
  const m = array_len(segs);
  if (m == 0) return;
  let node = root;
  for (let j: u32 = 0; j + 1 < m; j++) {
    const k = array_get(segs, j);
    const child = object_get(node, k);
    if (child == 0) {
      const next = object_new();
      object_insert(node, k, next);
      node = next;
    } else if (value_type(child) == TYPE_NULL) {
      return; // a shorter path already covers this one
    } else {
      node = child;
    }
  }
  object_insert(node, array_get(segs, m - 1), null_value());
}

/** The part of `v` the filter tree reaches (a null leaf keeps everything below it). */
function filter_value(v: usize, f: usize): usize {
  if (value_type(f) == TYPE_NULL) return v;
  const t = value_type(v);
  if (t == TYPE_OBJECT) {
    const n = object_len(f);
    const out = object_new_cap(n);
    for (let i: u32 = 0; i < n; i++) {
      const k = object_key_at(f, i);
      const x = object_get(v, k);
      if (x != 0) object_insert(out, k, filter_value(x, object_value_at(f, i)));
    }
    return out;
  }
  if (t == TYPE_ARRAY) {
    const out = array_new(4);
    const n = array_len(v);
    for (let i: u32 = 0; i < n; i++) {
      const sub = object_get(f, format_index(i));
      if (sub != 0) array_append(out, filter_value(array_get(v, i), sub));
    }
    return out;
  }
  if (t == TYPE_SET) {
    const n = set_len(v);
    const out = set_new_cap(n);
    for (let i: u32 = 0; i < n; i++) {
      const x = set_elem_at(v, i);
      const sub = object_get(f, x);
      if (sub != 0) set_add(out, filter_value(x, sub));
    }
    return out;
  }
  return v;
}

/** `v` without what the tree reaches (0 when a null leaf removes `v` itself); indexes shift left. */
function remove_value(v: usize, r: usize): usize {
  if (r == 0) return v;
  if (value_type(r) == TYPE_NULL) return 0;
  const t = value_type(v);
  if (t == TYPE_OBJECT) {
    const n = object_len(v);
    const out = object_new_cap(n);
    for (let i: u32 = 0; i < n; i++) {
      const k = object_key_at(v, i);
      const x = remove_value(object_value_at(v, i), object_get(r, k));
      if (x != 0) object_insert(out, k, x);
    }
    return out;
  }
  if (t == TYPE_ARRAY) {
    const n = array_len(v);
    const out = array_new(n);
    for (let i: u32 = 0; i < n; i++) {
      const x = remove_value(array_get(v, i), object_get(r, format_index(i)));
      if (x != 0) array_append(out, x);
    }
    return out;
  }
  if (t == TYPE_SET) {
    const n = set_len(v);
    const out = set_new_cap(n);
    for (let i: u32 = 0; i < n; i++) {
      const e = set_elem_at(v, i);
      const x = remove_value(e, object_get(r, e));
      if (x != 0) set_add(out, x);
    }
    return out;
  }
  return v;
}

export function builtin_json_filter(obj: usize, paths: usize): usize {
  if (!need_object("json.filter", 1, obj)) return 0;
  const tree = path_tree("json.filter", paths);
  return tree == 0 ? 0 : filter_value(obj, tree);
}

export function builtin_json_remove(obj: usize, paths: usize): usize {
  if (!need_object("json.remove", 1, obj)) return 0;
  const tree = path_tree("json.remove", paths);
  if (tree == 0) return 0;
  const out = remove_value(obj, tree);
  return out == 0 ? object_new() : out;
}
