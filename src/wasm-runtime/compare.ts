// Rego's total order and equality: null < boolean < number < string < array < object < set;
// numbers by value (1 == 1.0, big integers exactly), strings bytewise (UTF-8 order equals code
// point order), composites element by element in sorted order.

import {
  TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET,
  NUM_INT, NUM_REF, number_as_f64, number_ref_ptr, number_ref_len, string_ptr, string_len,
  array_len, array_elems, bool_get,
} from "./value";
import {
  table_len, table_key_raw, table_value_raw, object_get, set_contains,
  object_key_at, object_value_at, set_elem_at,
} from "./table";
import { decimal_compare, write_i64, write_f64 } from "./number";
import { alloc } from "./alloc";

/** The exact text of a number (ints and floats printed into the arena), for decimal compares. */
let text_len: u32 = 0;
function number_text(v: usize): usize {
  const k = load<u8>(v, 1);
  if (k == NUM_REF) {
    text_len = number_ref_len(v);
    return number_ref_ptr(v);
  }
  const buf = alloc(40);
  text_len = k == NUM_INT ? write_i64(buf, load<i64>(v, 8)) : write_f64(buf, load<f64>(v, 8));
  return buf;
}

export function number_compare(a: usize, b: usize): i32 {
  const ka = load<u8>(a, 1), kb = load<u8>(b, 1);
  if (ka == NUM_INT && kb == NUM_INT) {
    const x = load<i64>(a, 8), y = load<i64>(b, 8);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ka != NUM_REF && kb != NUM_REF) {
    const x = number_as_f64(a), y = number_as_f64(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  // Number text (from JSON or the policy) compares exactly, beyond what f64 can tell apart.
  const ap = number_text(a);
  const al = text_len;
  const bp = number_text(b);
  return decimal_compare(ap, al, bp, text_len);
}

function bytes_compare(a: usize, alen: u32, b: usize, blen: u32): i32 {
  const n = alen < blen ? alen : blen;
  const c = memory.compare(a, b, n);
  if (c != 0) return c < 0 ? -1 : 1;
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

export function value_compare(a: usize, b: usize): i32 {
  if (a == b) return 0;
  const ta = load<u8>(a), tb = load<u8>(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case TYPE_BOOLEAN: {
      const x = <i32>bool_get(a), y = <i32>bool_get(b);
      return x - y;
    }
    case TYPE_NUMBER: return number_compare(a, b);
    case TYPE_STRING: return bytes_compare(string_ptr(a), string_len(a), string_ptr(b), string_len(b));
    case TYPE_ARRAY: {
      const n = array_len(a), m = array_len(b);
      const ea = array_elems(a), eb = array_elems(b);
      const k = n < m ? n : m;
      for (let i: u32 = 0; i < k; i++) {
        const c = value_compare(<usize>load<u32>(ea + (<usize>i << 2)), <usize>load<u32>(eb + (<usize>i << 2)));
        if (c != 0) return c;
      }
      return n < m ? -1 : n > m ? 1 : 0;
    }
    case TYPE_OBJECT: {
      // As OPA: sorted keys first, then the values under them, then the sizes.
      const n = table_len(a), m = table_len(b);
      const k = n < m ? n : m;
      for (let i: u32 = 0; i < k; i++) {
        const c = value_compare(object_key_at(a, i), object_key_at(b, i));
        if (c != 0) return c;
      }
      for (let i: u32 = 0; i < k; i++) {
        const c = value_compare(object_value_at(a, i), object_value_at(b, i));
        if (c != 0) return c;
      }
      return n < m ? -1 : n > m ? 1 : 0;
    }
    case TYPE_SET: {
      const n = table_len(a), m = table_len(b);
      const k = n < m ? n : m;
      for (let i: u32 = 0; i < k; i++) {
        const c = value_compare(set_elem_at(a, i), set_elem_at(b, i));
        if (c != 0) return c;
      }
      return n < m ? -1 : n > m ? 1 : 0;
    }
  }
  return 0;
}

export function value_equal(a: usize, b: usize): bool {
  if (a == b) return true;
  const ta = load<u8>(a);
  if (ta != load<u8>(b)) return false;
  switch (ta) {
    case TYPE_STRING: {
      const n = string_len(a);
      return n == string_len(b) && memory.compare(string_ptr(a), string_ptr(b), n) == 0;
    }
    case TYPE_NUMBER: return number_compare(a, b) == 0;
    case TYPE_ARRAY: {
      const n = array_len(a);
      if (n != array_len(b)) return false;
      const ea = array_elems(a), eb = array_elems(b);
      for (let i: u32 = 0; i < n; i++) {
        if (!value_equal(<usize>load<u32>(ea + (<usize>i << 2)), <usize>load<u32>(eb + (<usize>i << 2)))) return false;
      }
      return true;
    }
    case TYPE_OBJECT: {
      // Hash lookups avoid sorting either side.
      const n = table_len(a);
      if (n != table_len(b)) return false;
      for (let i: u32 = 0; i < n; i++) {
        const other = object_get(b, table_key_raw(a, i));
        if (other == 0 || !value_equal(table_value_raw(a, i), other)) return false;
      }
      return true;
    }
    case TYPE_SET: {
      const n = table_len(a);
      if (n != table_len(b)) return false;
      for (let i: u32 = 0; i < n; i++) {
        if (!set_contains(b, table_key_raw(a, i))) return false;
      }
      return true;
    }
  }
  return value_compare(a, b) == 0;
}
