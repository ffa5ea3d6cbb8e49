// net.cidr_contains(cidr, cidr_or_ip): whether the network contains the address, or every
// address of the second network, with Go's net package semantics (IPv4, IPv6, IPv4-mapped IPv6);
// net.cidr_contains_matches applies it to every pair of two collections. A malformed CIDR or
// address makes the call undefined, as OPA without strict errors.

import {
  value_type, string_ptr, string_len, bool_value, number_int, array_new, array_append, array_len, array_get,
  TYPE_STRING, TYPE_ARRAY, TYPE_SET, TYPE_OBJECT,
} from "../value";
import { set_new, set_add, set_len, set_elem_at, object_len, object_key_at, object_value_at } from "../table";
import { alloc } from "../alloc";
import { need_string, type_error, builtin_fail } from "./lib/args";
import { parseIP, parseCIDR, cidrPrefix, applyMask, netContains } from "./lib/netaddr";

/** 1 when `cidr` contains `other`, 0 when not, -1 when either does not parse (the failure is reported). */
function contains(name: string, cidr: usize, other: usize): i32 {
  const buf = alloc(48);
  const net = buf;
  const addr = buf + 16;
  const last = buf + 32;
  const netLen = parseCIDR(string_ptr(cidr), <i32>string_len(cidr), net);
  if (netLen == 0) {
    builtin_fail(name, "invalid CIDR address");
    return -1;
  }
  const netPrefix = cidrPrefix;
  // An address first; otherwise a network, contained when its first and last addresses are.
  const ipLen = parseIP(string_ptr(other), <i32>string_len(other), addr);
  if (ipLen != 0) return netContains(net, netLen, netPrefix, addr, ipLen) ? 1 : 0;
  const otherLen = parseCIDR(string_ptr(other), <i32>string_len(other), addr);
  if (otherLen == 0) {
    builtin_fail(name, "invalid CIDR address");
    return -1;
  }
  memory.copy(last, addr, 16);
  applyMask(last, otherLen, cidrPrefix, true);
  return netContains(net, netLen, netPrefix, addr, otherLen) && netContains(net, netLen, netPrefix, last, otherLen) ? 1 : 0;
}

export function builtin_net_cidr_contains(cidr: usize, other: usize): usize {
  if (!need_string("net.cidr_contains", 1, cidr)) return 0;
  if (!need_string("net.cidr_contains", 2, other)) return 0;
  const r = contains("net.cidr_contains", cidr, other);
  return r < 0 ? 0 : bool_value(r == 1);
}

const MATCHES = "net.cidr_contains_matches";

/**
 * The `[key, cidr]` entries of an operand of cidr_contains_matches: a string is its own key; an
 * array's keys are indexes, a set's its members, an object's its keys; an element is a string or
 * an array whose first element is the CIDR (a tuple carrying data along). 0 after a failure.
 */
function match_entries(v: usize, operand: i32): usize {
  const t = value_type(v);
  const out = array_new(4);
  if (t == TYPE_STRING) {
    add_entry(out, v, v);
    return out;
  }
  if (t != TYPE_ARRAY && t != TYPE_SET && t != TYPE_OBJECT) return type_error(MATCHES, operand, "one of {string, array, set, object}", v);
  const n = t == TYPE_ARRAY ? array_len(v) : t == TYPE_SET ? set_len(v) : object_len(v);
  for (let i: u32 = 0; i < n; i++) {
    const key = t == TYPE_ARRAY ? number_int(i) : t == TYPE_SET ? set_elem_at(v, i) : object_key_at(v, i);
    let elem = t == TYPE_ARRAY ? array_get(v, i) : t == TYPE_SET ? key : object_value_at(v, i);
    if (value_type(elem) == TYPE_ARRAY && array_len(elem) > 0) elem = array_get(elem, 0);
    else if (value_type(elem) != TYPE_STRING) {
      return operand == 1
        ? builtin_fail(MATCHES, "operand 1: element must be string or non-empty array")
        : builtin_fail(MATCHES, "operand 2: element must be string or non-empty array");
    }
    add_entry(out, key, elem);
  }
  return out;
}

function add_entry(out: usize, key: usize, cidr: usize): void {
  array_append(out, key);
  array_append(out, cidr);
}

/** net.cidr_contains_matches(cidrs, cidrs_or_ips): the set of `[key1, key2]` whose CIDR contains the other. */
export function builtin_net_cidr_contains_matches(a: usize, b: usize): usize {
  const left = match_entries(a, 1);
  if (left == 0) return 0;
  const right = match_entries(b, 2);
  if (right == 0) return 0;
  const out = set_new();
  const n = array_len(left), m = array_len(right);
  for (let i: u32 = 0; i < n; i += 2) {
    const cidr = array_get(left, i + 1);
    if (value_type(cidr) != TYPE_STRING) return type_error(MATCHES, 1, "string", cidr);
    for (let j: u32 = 0; j < m; j += 2) {
      const other = array_get(right, j + 1);
      if (value_type(other) != TYPE_STRING) return type_error(MATCHES, 2, "string", other);
      const r = contains(MATCHES, cidr, other);
      if (r < 0) return 0;
      if (r == 1) {
        const pair = array_new(2);
        array_append(pair, array_get(left, i));
        array_append(pair, array_get(right, j));
        set_add(out, pair);
      }
    }
  }
  return out;
}

/** net.cidr_intersects(a, b): whether two networks share an address (aligned blocks overlap iff one holds the other's start). */
export function builtin_net_cidr_intersects(a: usize, b: usize): usize {
  if (!need_string("net.cidr_intersects", 1, a)) return 0;
  if (!need_string("net.cidr_intersects", 2, b)) return 0;
  const buf = alloc(32);
  const lenA = parseCIDR(string_ptr(a), <i32>string_len(a), buf);
  if (lenA == 0) return builtin_fail("net.cidr_intersects", "invalid CIDR address");
  const prefixA = cidrPrefix;
  const lenB = parseCIDR(string_ptr(b), <i32>string_len(b), buf + 16);
  if (lenB == 0) return builtin_fail("net.cidr_intersects", "invalid CIDR address");
  const prefixB = cidrPrefix;
  return bool_value(netContains(buf, lenA, prefixA, buf + 16, lenB) || netContains(buf + 16, lenB, prefixB, buf, lenA));
}
