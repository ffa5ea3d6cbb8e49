// IP address and CIDR parsing and containment for net.cidr_contains, over raw bytes, following
// Go's net.ParseIP / net.ParseCIDR / IPNet.Contains: IPv4 and IPv6 (with `::` and an embedded
// dotted quad), IPv4-mapped IPv6 addresses compared as IPv4, no zones.

/** Prefix length read by the last successful `parseCIDR`. */
export let cidrPrefix: i32 = 0;

function hexVal(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Parses a dotted quad into 4 bytes at `out`; false unless the whole range is one. */
function parseV4(p: usize, end: usize, out: usize): bool {
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (p >= end || load<u8>(p) != 0x2e) return false;
      p++;
    }
    let n = 0;
    let digits = 0;
    const start = p;
    while (p < end) {
      const c = <i32>load<u8>(p);
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
      digits++;
      if (digits > 3 || n > 255) return false;
      p++;
    }
    if (digits == 0) return false;
    if (digits > 1 && load<u8>(start) == 0x30) return false; // Go refuses leading zeros
    store<u8>(out + <usize>part, <u8>n);
  }
  return p == end;
}

/** Parses an IPv6 address into 16 bytes at `out`. */
function parseV6(p: usize, end: usize, out: usize): bool {
  memory.fill(out, 0, 16);
  let i = 0; // bytes written
  let ellipsis = -1;
  if (end - p >= 2 && load<u8>(p) == 0x3a && load<u8>(p + 1) == 0x3a) {
    ellipsis = 0;
    p += 2;
    if (p == end) return true;
  }
  while (i < 16) {
    // A group of 1-4 hex digits, or a dotted quad in the last 4 bytes.
    let n = 0;
    let digits = 0;
    let q = p;
    while (q < end && digits < 5) {
      const h = hexVal(<i32>load<u8>(q));
      if (h < 0) break;
      n = (n << 4) | h;
      digits++;
      q++;
    }
    if (digits == 0 || digits > 4) return false;
    if (q < end && load<u8>(q) == 0x2e) {
      if (ellipsis < 0 && i != 12) return false;
      if (i + 4 > 16) return false;
      if (!parseV4(p, end, out + <usize>i)) return false;
      i += 4;
      p = end;
      break;
    }
    store<u8>(out + <usize>i, <u8>(n >> 8));
    store<u8>(out + <usize>i + 1, <u8>n);
    i += 2;
    p = q;
    if (p == end) break;
    if (load<u8>(p) != 0x3a || p + 1 == end) return false;
    p++;
    if (load<u8>(p) == 0x3a) {
      if (ellipsis >= 0) return false;
      ellipsis = i;
      p++;
      if (p == end) break;
    }
  }
  if (p != end) return false;
  if (i < 16) {
    if (ellipsis < 0) return false;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) store<u8>(out + <usize>(j + n), load<u8>(out + <usize>j));
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) store<u8>(out + <usize>j, 0);
  } else if (ellipsis >= 0) {
    return false; // `::` must stand for at least one group
  }
  return true;
}

/** Parses an IP address into `out` (16 bytes of room): returns 4 or 16 (its length), 0 if invalid. */
export function parseIP(p: usize, len: i32, out: usize): i32 {
  const end = p + <usize>len;
  for (let q = p; q < end; q++) {
    const c = load<u8>(q);
    if (c == 0x2e) {
      // Dots before any colon: a plain IPv4 address.
      return parseV4(p, end, out) ? 4 : 0;
    }
    if (c == 0x3a) break;
  }
  return parseV6(p, end, out) ? 16 : 0;
}

/** Parses `addr/prefix` into the masked network at `out`; returns its length (4 or 16), 0 if invalid. */
export function parseCIDR(p: usize, len: i32, out: usize): i32 {
  const end = p + <usize>len;
  let slash = end;
  for (let q = p; q < end; q++) {
    if (load<u8>(q) == 0x2f) {
      slash = q;
      break;
    }
  }
  if (slash == end || slash + 1 == end) return 0;
  const n = parseIP(p, <i32>(slash - p), out);
  if (n == 0) return 0;
  let prefix = 0;
  for (let q = slash + 1; q < end; q++) {
    const c = <i32>load<u8>(q);
    if (c < 0x30 || c > 0x39) return 0;
    prefix = prefix * 10 + (c - 0x30);
    if (prefix > 128) return 0;
  }
  if (prefix > n * 8) return 0;
  applyMask(out, n, prefix, false);
  cidrPrefix = prefix;
  return n;
}

/** Clears (or, with `fill`, sets) every bit of `buf` after the first `prefix` bits. */
export function applyMask(buf: usize, n: i32, prefix: i32, fill: bool): void {
  for (let i = 0; i < n; i++) {
    const keep = prefix - i * 8;
    let m: i32 = keep >= 8 ? 0xff : keep <= 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    const b = <i32>load<u8>(buf + <usize>i);
    store<u8>(buf + <usize>i, <u8>(fill ? b | (~m & 0xff) : b & m));
  }
}

function isMapped(buf: usize): bool {
  for (let i = 0; i < 10; i++) if (load<u8>(buf + <usize>i) != 0) return false;
  return load<u8>(buf + 10) == 0xff && load<u8>(buf + 11) == 0xff;
}

/** Whether the network (`net`, `netLen`, `prefix`) contains the address (`ip`, `ipLen`), as Go's IPNet.Contains. */
export function netContains(net: usize, netLen: i32, prefix: i32, ip: usize, ipLen: i32): bool {
  if (netLen == 16 && isMapped(net)) {
    net += 12;
    netLen = 4;
    prefix = prefix > 96 ? prefix - 96 : 0;
  }
  if (ipLen == 16 && isMapped(ip)) {
    ip += 12;
    ipLen = 4;
  }
  if (netLen != ipLen) return false;
  for (let i = 0; i < netLen; i++) {
    const keep = prefix - i * 8;
    const m: i32 = keep >= 8 ? 0xff : keep <= 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    if (((<i32>load<u8>(net + <usize>i) ^ <i32>load<u8>(ip + <usize>i)) & m) != 0) return false;
  }
  return true;
}
