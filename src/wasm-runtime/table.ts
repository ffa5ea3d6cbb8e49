// Objects and sets: entries {key, value, hash} in insertion order plus an open-addressing
// hash index for O(1) lookups; entries are sorted in place into Rego order the first time
// someone iterates, so iteration and dumps follow OPA's sorted key order.

import { alloc, alloc_zeroed } from "./alloc";
import { TYPE_OBJECT, TYPE_SET } from "./value";
import { value_hash } from "./hash";
import { value_compare, value_equal } from "./compare";

// Layout: [0] tag, [1] sorted, [4] len, [8] cap, [12] entries, [16] index, [20] index mask.
const ENTRY: usize = 12;

function table_new(tag: u8, capacity: u32): usize {
  let cap: u32 = 4;
  while (cap < capacity) cap <<= 1;
  const t = alloc(24);
  store<u8>(t, tag);
  store<u8>(t, 1, 1);
  store<u16>(t, 0, 2);
  store<u32>(t, 0, 4);
  store<u32>(t, cap, 8);
  store<u32>(t, <u32>alloc(<usize>cap * ENTRY), 12);
  store<u32>(t, <u32>alloc_zeroed(<usize>cap << 3), 16);
  store<u32>(t, (cap << 1) - 1, 20);
  return t;
}

// @ts-ignore: decorator
@inline
function entries(t: usize): usize {
  return <usize>load<u32>(t, 12);
}

// @ts-ignore: decorator
@inline
export function table_len(t: usize): u32 {
  return load<u32>(t, 4);
}

/** Entry index of `key`, or -1. */
function table_find(t: usize, key: usize, h: u32): i32 {
  const index = <usize>load<u32>(t, 16);
  const mask = load<u32>(t, 20);
  const ents = entries(t);
  let slot = h & mask;
  while (true) {
    const e = load<u32>(index + (<usize>slot << 2));
    if (e == 0) return -1;
    const ent = ents + <usize>(e - 1) * ENTRY;
    if (load<u32>(ent, 8) == h && value_equal(<usize>load<u32>(ent), key)) return <i32>(e - 1);
    slot = (slot + 1) & mask;
  }
  return -1;
}

function index_insert(index: usize, mask: u32, h: u32, entry: u32): void {
  let slot = h & mask;
  while (load<u32>(index + (<usize>slot << 2)) != 0) slot = (slot + 1) & mask;
  store<u32>(index + (<usize>slot << 2), entry + 1);
}

/** Rebuilds the hash index in its existing memory (no allocation: see table_sort). */
function reindex(t: usize): void {
  const index = <usize>load<u32>(t, 16);
  const mask = load<u32>(t, 20);
  memory.fill(index, 0, (<usize>mask + 1) << 2);
  const n = table_len(t);
  const ents = entries(t);
  for (let i: u32 = 0; i < n; i++) index_insert(index, mask, load<u32>(ents + <usize>i * ENTRY, 8), i);
}

function grow(t: usize): void {
  const cap = load<u32>(t, 8);
  const n = table_len(t);
  const ncap = cap << 1;
  const ents = alloc(<usize>ncap * ENTRY);
  memory.copy(ents, entries(t), <usize>n * ENTRY);
  store<u32>(t, ncap, 8);
  store<u32>(t, <u32>ents, 12);
  store<u32>(t, <u32>alloc(<usize>ncap << 3), 16);
  store<u32>(t, (ncap << 1) - 1, 20);
  reindex(t);
}

function table_put(t: usize, key: usize, value: usize, overwrite: bool): void {
  const h = value_hash(key);
  const found = table_find(t, key, h);
  if (found >= 0) {
    if (overwrite) store<u32>(entries(t) + <usize>found * ENTRY, <u32>value, 4);
    return;
  }
  let n = table_len(t);
  if (n == load<u32>(t, 8)) grow(t);
  const ents = entries(t);
  // Appending in order keeps the table sorted for free (common when building from sorted input).
  if (load<u8>(t, 1) && n > 0 && value_compare(<usize>load<u32>(ents + <usize>(n - 1) * ENTRY), key) > 0) {
    store<u8>(t, 0, 1);
  }
  const ent = ents + <usize>n * ENTRY;
  store<u32>(ent, <u32>key);
  store<u32>(ent, <u32>value, 4);
  store<u32>(ent, h, 8);
  store<u32>(t, n + 1, 4);
  index_insert(<usize>load<u32>(t, 16), load<u32>(t, 20), h, n);
}

// @ts-ignore: decorator
@inline
function key_at(ents: usize, i: u32): usize {
  return <usize>load<u32>(ents + <usize>i * ENTRY);
}

function swap(ents: usize, i: u32, j: u32): void {
  const a = ents + <usize>i * ENTRY, b = ents + <usize>j * ENTRY;
  const k = load<u32>(a), v = load<u32>(a, 4), h = load<u32>(a, 8);
  store<u32>(a, load<u32>(b));
  store<u32>(a, load<u32>(b, 4), 4);
  store<u32>(a, load<u32>(b, 8), 8);
  store<u32>(b, k);
  store<u32>(b, v, 4);
  store<u32>(b, h, 8);
}

function sift_down(ents: usize, start: u32, end: u32): void {
  let root = start;
  while (true) {
    let child: u32 = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && value_compare(key_at(ents, child), key_at(ents, child + 1)) < 0) child++;
    if (value_compare(key_at(ents, root), key_at(ents, child)) >= 0) return;
    swap(ents, root, child);
    root = child;
  }
}

/**
 * Sorts the entries into Rego order, in place. It must not allocate: tables parsed with the
 * data document live below the evaluation's arena reset point and may be sorted during an
 * evaluation, so anything they point to must stay below that point too.
 */
export function table_sort(t: usize): void {
  if (load<u8>(t, 1)) return;
  const n = table_len(t);
  const ents = entries(t);
  if (n <= 12) {
    for (let i: u32 = 1; i < n; i++) {
      let j = i;
      while (j > 0 && value_compare(key_at(ents, j - 1), key_at(ents, j)) > 0) {
        swap(ents, j - 1, j);
        j--;
      }
    }
  } else {
    for (let i = <i32>(n / 2) - 1; i >= 0; i--) sift_down(ents, <u32>i, n);
    for (let end = n - 1; end > 0; end--) {
      swap(ents, 0, end);
      sift_down(ents, 0, end);
    }
  }
  store<u8>(t, 1, 1);
  reindex(t);
}

function table_copy(t: usize): usize {
  const n = table_len(t);
  const c = table_new(load<u8>(t), n);
  memory.copy(entries(c), entries(t), <usize>n * ENTRY);
  store<u32>(c, n, 4);
  store<u8>(c, load<u8>(t, 1), 1);
  reindex(c);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------------------------

export function object_new(): usize {
  return table_new(TYPE_OBJECT, 4);
}

export function object_new_cap(capacity: u32): usize {
  return table_new(TYPE_OBJECT, capacity);
}

export function object_insert(o: usize, key: usize, value: usize): void {
  table_put(o, key, value, true);
}

/** The value under `key`, or 0. */
export function object_get(o: usize, key: usize): usize {
  const i = table_find(o, key, value_hash(key));
  return i < 0 ? 0 : <usize>load<u32>(entries(o) + <usize>i * ENTRY, 4);
}

// @ts-ignore: decorator
@inline
export function object_len(o: usize): u32 {
  return load<u32>(o, 4);
}

export function object_key_at(o: usize, i: u32): usize {
  table_sort(o);
  return <usize>load<u32>(entries(o) + <usize>i * ENTRY);
}

export function object_value_at(o: usize, i: u32): usize {
  table_sort(o);
  return <usize>load<u32>(entries(o) + <usize>i * ENTRY, 4);
}

export function object_copy(o: usize): usize {
  return table_copy(o);
}

// ---------------------------------------------------------------------------------------------
// Sets
// ---------------------------------------------------------------------------------------------

export function set_new(): usize {
  return table_new(TYPE_SET, 4);
}

export function set_new_cap(capacity: u32): usize {
  return table_new(TYPE_SET, capacity);
}

export function set_add(s: usize, v: usize): void {
  table_put(s, v, 0, false);
}

export function set_contains(s: usize, v: usize): bool {
  return table_find(s, v, value_hash(v)) >= 0;
}

// @ts-ignore: decorator
@inline
export function set_len(s: usize): u32 {
  return load<u32>(s, 4);
}

export function set_elem_at(s: usize, i: u32): usize {
  table_sort(s);
  return <usize>load<u32>(entries(s) + <usize>i * ENTRY);
}

export function set_copy(s: usize): usize {
  return table_copy(s);
}

/** Unsorted access for order-independent loops (hashing, equality): no sort triggered. */
export function table_key_raw(t: usize, i: u32): usize {
  return <usize>load<u32>(entries(t) + <usize>i * ENTRY);
}

export function table_value_raw(t: usize, i: u32): usize {
  return <usize>load<u32>(entries(t) + <usize>i * ENTRY, 4);
}

export function table_hash_raw(t: usize, i: u32): u32 {
  return load<u32>(entries(t) + <usize>i * ENTRY, 8);
}
