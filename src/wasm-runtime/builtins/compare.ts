// Native built-ins: comparison operators (equal neq lt lte gt gte), membership
// (internal.member_2 / internal.member_3, the `in` operator) and count.

import {
  TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, value_type, bool_value,
  number_int, number_fits_i64, number_as_i64, array_len, array_get, string_ptr, string_len,
} from "../value";
import { object_get, object_len, set_contains, set_len, table_value_raw } from "../table";
import { value_compare, value_equal } from "../compare";
import { utf8_count } from "../utf8";
import { type_error } from "../errors";

export function builtin_equal(a: usize, b: usize): usize {
  return bool_value(value_equal(a, b));
}

export function builtin_neq(a: usize, b: usize): usize {
  return bool_value(!value_equal(a, b));
}

export function builtin_lt(a: usize, b: usize): usize {
  return bool_value(value_compare(a, b) < 0);
}

export function builtin_lte(a: usize, b: usize): usize {
  return bool_value(value_compare(a, b) <= 0);
}

export function builtin_gt(a: usize, b: usize): usize {
  return bool_value(value_compare(a, b) > 0);
}

export function builtin_gte(a: usize, b: usize): usize {
  return bool_value(value_compare(a, b) >= 0);
}

/** `x in c`: an array element, an object value or a set member; false for scalars (as OPA). */
export function builtin_internal_member_2(x: usize, c: usize): usize {
  const t = value_type(c);
  if (t == TYPE_SET) return bool_value(set_contains(c, x));
  if (t == TYPE_ARRAY) {
    const n = array_len(c);
    for (let i: u32 = 0; i < n; i++) if (value_equal(array_get(c, i), x)) return bool_value(true);
  } else if (t == TYPE_OBJECT) {
    const n = object_len(c);
    for (let i: u32 = 0; i < n; i++) if (value_equal(table_value_raw(c, i), x)) return bool_value(true);
  }
  return bool_value(false);
}

/** `k, v in c`: c[k] == v for objects and arrays; false otherwise. */
export function builtin_internal_member_3(k: usize, v: usize, c: usize): usize {
  const t = value_type(c);
  if (t == TYPE_OBJECT) {
    const got = object_get(c, k);
    return bool_value(got != 0 && value_equal(got, v));
  }
  if (t == TYPE_ARRAY) {
    if (value_type(k) != TYPE_NUMBER || !number_fits_i64(k)) return bool_value(false);
    const i = number_as_i64(k);
    if (i < 0 || i >= <i64>array_len(c)) return bool_value(false);
    return bool_value(value_equal(array_get(c, <u32>i), v));
  }
  return bool_value(false);
}

export function builtin_count(a: usize): usize {
  const t = value_type(a);
  if (t == TYPE_ARRAY) return number_int(array_len(a));
  if (t == TYPE_OBJECT) return number_int(object_len(a));
  if (t == TYPE_SET) return number_int(set_len(a));
  if (t == TYPE_STRING) return number_int(utf8_count(string_ptr(a), string_len(a)));
  return type_error("count", 1, "one of {array, object, set, string}", a);
  return 0;
}
