// net.cidr_contains(cidr, cidr_or_ip): whether the network contains the address, or every
// address of the second network, with Go's net package semantics (IPv4, IPv6, IPv4-mapped IPv6).
// A malformed CIDR or address makes the call undefined, as OPA without strict errors.

import { string_ptr, string_len, bool_value } from "../value";
import { alloc } from "../alloc";
import { need_string, builtin_fail } from "./lib/args";
import { parseIP, parseCIDR, cidrPrefix, applyMask, netContains } from "./lib/netaddr";

export function builtin_net_cidr_contains(cidr: usize, other: usize): usize {
  if (!need_string("net.cidr_contains", 1, cidr)) return 0;
  if (!need_string("net.cidr_contains", 2, other)) return 0;
  const buf = alloc(48);
  const net = buf;
  const addr = buf + 16;
  const last = buf + 32;
  const netLen = parseCIDR(string_ptr(cidr), <i32>string_len(cidr), net);
  if (netLen == 0) return builtin_fail("net.cidr_contains", "invalid CIDR address");
  const netPrefix = cidrPrefix;
  // An address first; otherwise a network, contained when its first and last addresses are.
  const ipLen = parseIP(string_ptr(other), <i32>string_len(other), addr);
  if (ipLen != 0) return bool_value(netContains(net, netLen, netPrefix, addr, ipLen));
  const otherLen = parseCIDR(string_ptr(other), <i32>string_len(other), addr);
  if (otherLen == 0) return builtin_fail("net.cidr_contains", "invalid CIDR address");
  memory.copy(last, addr, 16);
  applyMask(last, otherLen, cidrPrefix, true);
  return bool_value(
    netContains(net, netLen, netPrefix, addr, otherLen) && netContains(net, netLen, netPrefix, last, otherLen),
  );
}
