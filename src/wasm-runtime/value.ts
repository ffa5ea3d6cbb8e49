// The value model shared by the whole runtime: type tags in Rego's order, null and boolean
// singletons, numbers (exact ints, floats, exact source text), UTF-8 strings and arrays.
// Objects and sets live in table.ts. Layouts are documented in README.md.

import { alloc, alloc_copy } from "./alloc";
import { parse_f64 } from "./number";
import { literal_utf8_len, literal_write } from "./utf8";

export const TYPE_NULL: u8 = 1;
export const TYPE_BOOLEAN: u8 = 2;
export const TYPE_NUMBER: u8 = 3;
export const TYPE_STRING: u8 = 4;
export const TYPE_ARRAY: u8 = 5;
export const TYPE_OBJECT: u8 = 6;
export const TYPE_SET: u8 = 7;

export const NUM_INT: u8 = 0;
export const NUM_FLOAT: u8 = 1;
export const NUM_REF: u8 = 2;

// Static singletons: immutable, so sharing them across evaluations is safe.
const NULL_V: usize = memory.data<u32>([1, 0]);
const TRUE_V: usize = memory.data<u32>([2, 1]);
const FALSE_V: usize = memory.data<u32>([2, 0]);

// @ts-ignore: decorator
@inline
export function value_type(v: usize): u8 {
  return load<u8>(v);
}

export function type_name_of(v: usize): string {
  switch (load<u8>(v)) {
    case TYPE_NULL: return "null";
    case TYPE_BOOLEAN: return "boolean";
    case TYPE_NUMBER: return "number";
    case TYPE_STRING: return "string";
    case TYPE_ARRAY: return "array";
    case TYPE_OBJECT: return "object";
    case TYPE_SET: return "set";
  }
  return "undefined";
}

export function null_value(): usize {
  return NULL_V;
}

export function bool_value(b: bool): usize {
  return b ? TRUE_V : FALSE_V;
}

// @ts-ignore: decorator
@inline
export function bool_get(v: usize): bool {
  return load<u8>(v, 4) != 0;
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

export function number_int(x: i64): usize {
  const v = alloc(16);
  store<u32>(v, <u32>TYPE_NUMBER | (<u32>NUM_INT << 8));
  store<i64>(v, x, 8);
  return v;
}

/** 2^53: below it, every integral f64 is exactly an integer. */
const EXACT_F64: f64 = 9007199254740992.0;

/**
 * A float result. Integral values become ints (OPA prints `3`, not `3.0`, for `1.5 + 1.5`);
 * NaN and infinities are not Rego numbers, so they yield undefined (0).
 */
export function number_float(x: f64): usize {
  if (!isFinite(x)) return 0;
  if (Math.floor(x) == x && Math.abs(x) < EXACT_F64) return number_int(<i64>x);
  const v = alloc(16);
  store<u32>(v, <u32>TYPE_NUMBER | (<u32>NUM_FLOAT << 8));
  store<f64>(v, x, 8);
  return v;
}

/** A number kept as its exact text (not copied: the bytes must outlive the value). */
export function number_ref(ptr: usize, len: u32): usize {
  const v = alloc(24);
  store<u32>(v, <u32>TYPE_NUMBER | (<u32>NUM_REF << 8));
  store<u32>(v, len, 4);
  store<u32>(v, <u32>ptr, 8);
  return v;
}

// @ts-ignore: decorator
@inline
export function number_kind(v: usize): u8 {
  return load<u8>(v, 1);
}

export function number_ref_ptr(v: usize): usize {
  return <usize>load<u32>(v, 8);
}

export function number_ref_len(v: usize): u32 {
  return load<u32>(v, 4);
}

export function number_as_f64(v: usize): f64 {
  const k = load<u8>(v, 1);
  if (k == NUM_INT) return <f64>load<i64>(v, 8);
  if (k == NUM_FLOAT) return load<f64>(v, 8);
  // Refs parse once; byte 2 marks the cache as filled.
  if (load<u8>(v, 2) == 0) {
    store<f64>(v, parse_f64(<usize>load<u32>(v, 8), load<u32>(v, 4)), 16);
    store<u8>(v, 1, 2);
  }
  return load<f64>(v, 16);
}

export function number_is_integer(v: usize): bool {
  if (load<u8>(v, 1) == NUM_INT) return true;
  const x = number_as_f64(v);
  return isFinite(x) && Math.floor(x) == x;
}

/** Integral and within i64 (so `number_as_i64` is exact). */
export function number_fits_i64(v: usize): bool {
  if (load<u8>(v, 1) == NUM_INT) return true;
  const x = number_as_f64(v);
  return isFinite(x) && Math.floor(x) == x && Math.abs(x) < 9.2e18;
}

export function number_as_i64(v: usize): i64 {
  if (load<u8>(v, 1) == NUM_INT) return load<i64>(v, 8);
  const x = number_as_f64(v);
  if (!isFinite(x) || Math.abs(x) >= 9.2e18) return 0;
  return <i64>x;
}

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

/** A string over existing bytes (no copy). */
export function string_new(ptr: usize, len: u32): usize {
  const v = alloc(16);
  store<u32>(v, <u32>TYPE_STRING);
  store<u32>(v, len, 4);
  store<u32>(v, <u32>ptr, 8);
  store<u32>(v, 0, 12);
  return v;
}

export function string_copy(ptr: usize, len: u32): usize {
  return string_new(alloc_copy(ptr, len), len);
}

/** A string of `len` bytes to fill through `string_ptr`. */
export function string_alloc(len: u32): usize {
  return string_new(alloc(len), len);
}

export function string_from_literal(s: string): usize {
  const n = literal_utf8_len(s);
  const v = string_alloc(n);
  literal_write(string_ptr(v), s);
  return v;
}

// @ts-ignore: decorator
@inline
export function string_ptr(v: usize): usize {
  return <usize>load<u32>(v, 8);
}

// @ts-ignore: decorator
@inline
export function string_len(v: usize): u32 {
  return load<u32>(v, 4);
}

// ---------------------------------------------------------------------------------------------
// Arrays
// ---------------------------------------------------------------------------------------------

export function array_new(capacity: u32): usize {
  const cap = capacity < 4 ? 4 : capacity;
  const v = alloc(16);
  store<u32>(v, <u32>TYPE_ARRAY);
  store<u32>(v, 0, 4);
  store<u32>(v, cap, 8);
  store<u32>(v, <u32>alloc(<usize>cap << 2), 12);
  return v;
}

// @ts-ignore: decorator
@inline
export function array_len(a: usize): u32 {
  return load<u32>(a, 4);
}

export function array_get(a: usize, i: u32): usize {
  if (i >= load<u32>(a, 4)) return 0;
  return <usize>load<u32>(<usize>load<u32>(a, 12) + (<usize>i << 2));
}

export function array_set(a: usize, i: u32, x: usize): void {
  if (i < load<u32>(a, 4)) store<u32>(<usize>load<u32>(a, 12) + (<usize>i << 2), <u32>x);
}

export function array_append(a: usize, x: usize): void {
  const len = load<u32>(a, 4);
  let cap = load<u32>(a, 8);
  let elems = <usize>load<u32>(a, 12);
  if (len == cap) {
    const grown = alloc(<usize>cap << 3);
    memory.copy(grown, elems, <usize>cap << 2);
    elems = grown;
    cap <<= 1;
    store<u32>(a, cap, 8);
    store<u32>(a, <u32>elems, 12);
  }
  store<u32>(elems + (<usize>len << 2), <u32>x);
  store<u32>(a, len + 1, 4);
}

/** Address of the element pointers (for tight loops). */
// @ts-ignore: decorator
@inline
export function array_elems(a: usize): usize {
  return <usize>load<u32>(a, 12);
}

export function array_copy(a: usize): usize {
  const n = array_len(a);
  const c = array_new(n);
  memory.copy(array_elems(c), array_elems(a), <usize>n << 2);
  store<u32>(c, n, 4);
  return c;
}
