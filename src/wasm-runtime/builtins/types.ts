// Type built-ins: is_number, is_string, is_boolean, is_array, is_object, is_set, is_null and
// type_name. The is_* checks give false (not undefined) for other types, as OPA 1.x does.

import {
  value_type, bool_value, type_name_of, string_from_literal,
  TYPE_NULL, TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET,
} from "../value";

export function builtin_is_number(a: usize): usize {
  return bool_value(value_type(a) == TYPE_NUMBER);
}

export function builtin_is_string(a: usize): usize {
  return bool_value(value_type(a) == TYPE_STRING);
}

export function builtin_is_boolean(a: usize): usize {
  return bool_value(value_type(a) == TYPE_BOOLEAN);
}

export function builtin_is_array(a: usize): usize {
  return bool_value(value_type(a) == TYPE_ARRAY);
}

export function builtin_is_object(a: usize): usize {
  return bool_value(value_type(a) == TYPE_OBJECT);
}

export function builtin_is_set(a: usize): usize {
  return bool_value(value_type(a) == TYPE_SET);
}

export function builtin_is_null(a: usize): usize {
  return bool_value(value_type(a) == TYPE_NULL);
}

export function builtin_type_name(a: usize): usize {
  return string_from_literal(type_name_of(a));
}
