// Object built-ins: object.get (a key or an array path), object.keys, object.union (deep merge,
// the right side wins), object.remove, object.filter, object.subset, walk and graph.reachable.
// Results are new values; operands are never mutated.

import {
  value_type, number_is_integer, number_fits_i64, number_as_i64, number_int, array_len, array_get, array_new,
  array_append, array_copy, bool_value, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, TYPE_NUMBER,
} from "../value";
import {
  object_new_cap, object_insert, object_get, object_len, object_key_at, object_value_at, object_copy,
  set_new_cap, set_add, set_contains, set_len, set_elem_at,
} from "../table";
import { value_equal } from "../compare";
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

// ---------------------------------------------------------------------------------------------
// walk and object.subset: natives so that sets and non-string keys stay what they are (a host
// built-in would see them through JSON, a set as an array).

/** Appends `[path, v]` and then the pairs below `v`, in Rego order; `path` is copied per pair. */
function walk_into(v: usize, path: usize, out: usize): void {
  const pair = array_new(2);
  array_append(pair, array_copy(path));
  array_append(pair, v);
  array_append(out, pair);
  const t = value_type(v);
  if (t == TYPE_OBJECT) {
    const n = object_len(v);
    for (let i: u32 = 0; i < n; i++) walk_child(object_key_at(v, i), object_value_at(v, i), path, out);
  } else if (t == TYPE_ARRAY) {
    const n = array_len(v);
    for (let i: u32 = 0; i < n; i++) walk_child(number_int(i), array_get(v, i), path, out);
  } else if (t == TYPE_SET) {
    // A set member is its own key, as in OPA: walk({"s": {"x"}}) reaches ["s", "x"].
    const n = set_len(v);
    for (let i: u32 = 0; i < n; i++) {
      const e = set_elem_at(v, i);
      walk_child(e, e, path, out);
    }
  }
}

function walk_child(key: usize, v: usize, path: usize, out: usize): void {
  const child = array_copy(path);
  array_append(child, key);
  walk_into(v, child, out);
}

/** walk(x): every `[path, value]` under x, pre-order; the planner enumerates the array (a relation). */
export function builtin_walk(x: usize): usize {
  const out = array_new(8);
  walk_into(x, array_new(0), out);
  return out;
}

/** Whether `sub` is a contiguous run of `sup`'s elements (OPA's array subset). */
function array_subset(sup: usize, sub: usize): bool {
  const n = array_len(sup), m = array_len(sub);
  if (m == 0) return true;
  for (let i: u32 = 0; i + m <= n; i++) {
    let all = true;
    for (let j: u32 = 0; j < m && all; j++) all = value_equal(array_get(sup, i + j), array_get(sub, j));
    if (all) return true;
  }
  return false;
}

function set_subset(sup: usize, sub: usize): bool {
  const n = set_len(sub);
  for (let i: u32 = 0; i < n; i++) if (!set_contains(sup, set_elem_at(sub, i))) return false;
  return true;
}

/** Every element of the set `sub` is an element of the array `sup`. */
function array_set_subset(sup: usize, sub: usize): bool {
  const n = set_len(sub), m = array_len(sup);
  for (let i: u32 = 0; i < n; i++) {
    const e = set_elem_at(sub, i);
    let found = false;
    for (let j: u32 = 0; j < m && !found; j++) found = value_equal(array_get(sup, j), e);
    if (!found) return false;
  }
  return true;
}

/** Objects by key, recursively where both sides hold objects, sets or arrays; other values by equality. */
function object_subset(sup: usize, sub: usize): bool {
  const n = object_len(sub);
  for (let i: u32 = 0; i < n; i++) {
    const s = object_get(sup, object_key_at(sub, i));
    if (s == 0) return false;
    const v = object_value_at(sub, i);
    const ts = value_type(s), tv = value_type(v);
    let ok: bool;
    if (ts == TYPE_OBJECT && tv == TYPE_OBJECT) ok = object_subset(s, v);
    else if (ts == TYPE_SET && tv == TYPE_SET) ok = set_subset(s, v);
    else if (ts == TYPE_ARRAY && tv == TYPE_ARRAY) ok = array_subset(s, v);
    else ok = value_equal(s, v);
    if (!ok) return false;
  }
  return true;
}

export function builtin_object_subset(sup: usize, sub: usize): usize {
  const ts = value_type(sup), tb = value_type(sub);
  if (ts == TYPE_OBJECT) {
    if (tb != TYPE_OBJECT) return type_error("object.subset", 2, "object", sub);
    return bool_value(object_subset(sup, sub));
  }
  if (ts == TYPE_SET) {
    if (tb != TYPE_SET) return type_error("object.subset", 2, "set", sub);
    return bool_value(set_subset(sup, sub));
  }
  if (ts == TYPE_ARRAY) {
    if (tb == TYPE_ARRAY) return bool_value(array_subset(sup, sub));
    if (tb == TYPE_SET) return bool_value(array_set_subset(sup, sub));
    return type_error("object.subset", 2, "one of {array, set}", sub);
  }
  return type_error("object.subset", 1, "one of {object, set, array}", sup);
}

/** object.filter(obj, keys): the entries of obj whose key is in keys (an array, a set, or an object's keys). */
export function builtin_object_filter(obj: usize, keys: usize): usize {
  if (!need_object("object.filter", 1, obj)) return 0;
  const t = value_type(keys);
  if (t != TYPE_ARRAY && t != TYPE_SET && t != TYPE_OBJECT) return type_error("object.filter", 2, "one of {object, set, array}", keys);
  const m = t == TYPE_ARRAY ? array_len(keys) : t == TYPE_SET ? set_len(keys) : object_len(keys);
  const out = object_new_cap(m);
  for (let i: u32 = 0; i < m; i++) {
    const k = t == TYPE_ARRAY ? array_get(keys, i) : t == TYPE_SET ? set_elem_at(keys, i) : object_key_at(keys, i);
    const v = object_get(obj, k);
    if (v != 0) object_insert(out, k, v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// graph.reachable

/**
 * graph.reachable(graph, initial): every node reachable from `initial`, as OPA's breadth-first walk:
 * a node is reached when the graph has an entry for it; its neighbours are the members of that
 * entry when it is an array or a set (any other entry has none).
 */
export function builtin_graph_reachable(graph: usize, initial: usize): usize {
  if (!need_object("graph.reachable", 1, graph)) return 0;
  const seen = set_new_cap(8);
  const queue = array_new(8);
  append_members(queue, initial, 0);
  for (let q: u32 = 0; q < array_len(queue); q++) {
    const node = array_get(queue, q);
    const edges = object_get(graph, node);
    if (edges == 0) continue;
    append_members(queue, edges, seen);
    set_add(seen, node);
  }
  return seen;
}

/** Appends the members of an array or set (those not in `skip`, when given); other values have none. */
function append_members(out: usize, c: usize, skip: usize): void {
  const t = value_type(c);
  if (t != TYPE_ARRAY && t != TYPE_SET) return;
  const n = t == TYPE_ARRAY ? array_len(c) : set_len(c);
  for (let i: u32 = 0; i < n; i++) {
    const x = t == TYPE_ARRAY ? array_get(c, i) : set_elem_at(c, i);
    if (skip == 0 || !set_contains(skip, x)) array_append(out, x);
  }
}
