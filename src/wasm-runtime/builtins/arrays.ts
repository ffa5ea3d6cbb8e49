// Array built-ins: array.concat, array.slice (indexes clamped as OPA does) and array.reverse.
// Results are new arrays; operands are never mutated.

import { array_new, array_append, array_len, array_get } from "../value";
import { need_array, need_int, arg_int } from "./lib/args";

export function builtin_array_concat(a: usize, b: usize): usize {
  if (!need_array("array.concat", 1, a)) return 0;
  if (!need_array("array.concat", 2, b)) return 0;
  const na = array_len(a);
  const nb = array_len(b);
  const out = array_new(na + nb);
  for (let i: u32 = 0; i < na; i++) array_append(out, array_get(a, i));
  for (let i: u32 = 0; i < nb; i++) array_append(out, array_get(b, i));
  return out;
}

export function builtin_array_slice(a: usize, start: usize, stop: usize): usize {
  if (!need_array("array.slice", 1, a)) return 0;
  if (!need_int("array.slice", 2, start)) return 0;
  if (!need_int("array.slice", 3, stop)) return 0;
  const n = <i64>array_len(a);
  // Clamp stop to [0, len], then start to [0, stop], so that out-of-range slices are empty.
  let hi = arg_int(stop);
  if (hi < 0) hi = 0;
  else if (hi > n) hi = n;
  let lo = arg_int(start);
  if (lo < 0) lo = 0;
  else if (lo > hi) lo = hi;
  const out = array_new(<u32>(hi - lo));
  for (let i = lo; i < hi; i++) array_append(out, array_get(a, <u32>i));
  return out;
}

export function builtin_array_reverse(a: usize): usize {
  if (!need_array("array.reverse", 1, a)) return 0;
  const n = array_len(a);
  const out = array_new(n);
  for (let i = n; i > 0; i--) array_append(out, array_get(a, i - 1));
  return out;
}
