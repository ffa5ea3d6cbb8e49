// Set built-ins: union and intersection of a set of sets, and the `&` (and) and `|` (or)
// operators on two sets. Results are new sets; operands are never mutated.

import { set_new_cap, set_add, set_contains, set_len, set_elem_at, set_copy } from "../table";
import { need_set } from "./lib/args";

export function builtin_and(a: usize, b: usize): usize {
  if (!need_set("and", 1, a)) return 0;
  if (!need_set("and", 2, b)) return 0;
  // Probe the larger set with the smaller one's elements.
  let small = a;
  let big = b;
  if (set_len(b) < set_len(a)) {
    small = b;
    big = a;
  }
  const n = set_len(small);
  const out = set_new_cap(n);
  for (let i: u32 = 0; i < n; i++) {
    const x = set_elem_at(small, i);
    if (set_contains(big, x)) set_add(out, x);
  }
  return out;
}

export function builtin_or(a: usize, b: usize): usize {
  if (!need_set("or", 1, a)) return 0;
  if (!need_set("or", 2, b)) return 0;
  const out = set_copy(a);
  const n = set_len(b);
  for (let i: u32 = 0; i < n; i++) set_add(out, set_elem_at(b, i));
  return out;
}

/** The size of `s` when it is a set of sets, else -1 (after the type error, in strict mode). */
function needSetOfSets(name: string, s: usize): i32 {
  if (!need_set(name, 1, s)) return -1;
  const n = set_len(s);
  for (let i: u32 = 0; i < n; i++) {
    // OPA checks each member with the operand check itself: "operand 1 must be set but got …".
    if (!need_set(name, 1, set_elem_at(s, i))) return -1;
  }
  return <i32>n;
}

export function builtin_union(s: usize): usize {
  const size = needSetOfSets("union", s);
  if (size < 0) return 0;
  const n = <u32>size;
  const out = set_new_cap(0);
  for (let i: u32 = 0; i < n; i++) {
    const e = set_elem_at(s, i);
    const m = set_len(e);
    for (let j: u32 = 0; j < m; j++) set_add(out, set_elem_at(e, j));
  }
  return out;
}

export function builtin_intersection(s: usize): usize {
  const size = needSetOfSets("intersection", s);
  if (size < 0) return 0;
  const n = <u32>size;
  if (n == 0) return set_new_cap(0);
  // Start from the smallest member; keep what every other member contains.
  let base = set_elem_at(s, 0);
  for (let i: u32 = 1; i < n; i++) {
    const e = set_elem_at(s, i);
    if (set_len(e) < set_len(base)) base = e;
  }
  const m = set_len(base);
  const out = set_new_cap(m);
  for (let j: u32 = 0; j < m; j++) {
    const x = set_elem_at(base, j);
    let all = true;
    for (let i: u32 = 0; i < n && all; i++) {
      const e = set_elem_at(s, i);
      if (e != base && !set_contains(e, x)) all = false;
    }
    if (all) set_add(out, x);
  }
  return out;
}
