// Aggregates over arrays and sets: sum, product, max, min, sort (count is the runtime core's).
// sum and product are exact over integers of any size (as OPA's big numbers); floats fold
// with the plus/mul natives.

import {
  value_type, number_int, array_new, array_append, array_len, array_get, array_elems,
  TYPE_ARRAY, TYPE_SET, TYPE_NUMBER,
} from "../value";
import { set_len, set_elem_at } from "../table";
import { value_compare } from "../compare";
import { builtin_plus, builtin_mul } from "./arithmetic";
import { type_error, elem_error } from "./lib/args";
import { sort_values } from "./lib/sort";
import { is_exact_int, exact_add, exact_mul } from "./lib/bigint";

/** Element `i` of an array or (in sorted order) a set. */
function elem(c: usize, isArray: bool, i: u32): usize {
  return isArray ? array_get(c, i) : set_elem_at(c, i);
}

function fold(name: string, c: usize, mul: bool): usize {
  const t = value_type(c);
  if (t != TYPE_ARRAY && t != TYPE_SET) return type_error(name, 1, "one of {set, array}", c);
  const isArray = t == TYPE_ARRAY;
  const n = isArray ? array_len(c) : set_len(c);
  let acc = number_int(mul ? 1 : 0);
  for (let i: u32 = 0; i < n; i++) {
    const x = elem(c, isArray, i);
    if (value_type(x) != TYPE_NUMBER) return elem_error(name, 1, c, "numbers", x);
    // Integers stay exact at any size, as OPA's big numbers do; floats use plus/mul.
    if (is_exact_int(acc) && is_exact_int(x)) acc = mul ? exact_mul(acc, x) : exact_add(acc, x);
    else acc = mul ? builtin_mul(acc, x) : builtin_plus(acc, x);
    if (acc == 0) return 0;
  }
  return acc;
}

export function builtin_sum(c: usize): usize {
  return fold("sum", c, false);
}

export function builtin_product(c: usize): usize {
  return fold("product", c, true);
}

function extreme(name: string, c: usize, wantMax: bool): usize {
  const t = value_type(c);
  if (t != TYPE_ARRAY && t != TYPE_SET) return type_error(name, 1, "one of {set, array}", c);
  if (t == TYPE_SET) {
    // Sets iterate in Rego order: the answer is at one end.
    const n = set_len(c);
    if (n == 0) return 0;
    return set_elem_at(c, wantMax ? n - 1 : 0);
  }
  const n = array_len(c);
  if (n == 0) return 0;
  let best = array_get(c, 0);
  for (let i: u32 = 1; i < n; i++) {
    const x = array_get(c, i);
    const d = value_compare(x, best);
    if (wantMax ? d > 0 : d < 0) best = x;
  }
  return best;
}

export function builtin_max(c: usize): usize {
  return extreme("max", c, true);
}

export function builtin_min(c: usize): usize {
  return extreme("min", c, false);
}

export function builtin_sort(c: usize): usize {
  const t = value_type(c);
  if (t != TYPE_ARRAY && t != TYPE_SET) return type_error("sort", 1, "one of {set, array}", c);
  const isArray = t == TYPE_ARRAY;
  const n = isArray ? array_len(c) : set_len(c);
  const out = array_new(n);
  for (let i: u32 = 0; i < n; i++) array_append(out, elem(c, isArray, i));
  if (isArray) sort_values(array_elems(out), n);
  return out;
}
