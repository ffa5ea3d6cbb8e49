/**
 * CIDR built-ins (OPA's topdown/cidr.go) on addresses held as bigint: expand,
 * merge, is_valid, and the deprecated cidr_overlap. Results print as Go's net package prints addresses.
 */
import { coll, str, type HostFn } from "./args.js";
import { builtinError } from "./errors.js";
import { compareStrings } from "./values.js";

export interface Net { v6: boolean; addr: bigint; bits: number }

const width = (n: Net) => (n.v6 ? 128 : 32);
const mask = (n: Net) => ((1n << BigInt(width(n))) - 1n) ^ ((1n << BigInt(width(n) - n.bits)) - 1n);
const first = (n: Net) => n.addr & mask(n);
const last = (n: Net) => first(n) | (((1n << BigInt(width(n) - n.bits)) - 1n));

function parseV4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p, i) => p > 255 || (m[i + 1]!.length > 1 && m[i + 1]!.startsWith("0")))) return undefined;
  return parts.reduce((a, p) => (a << 8n) | BigInt(p), 0n);
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  // An embedded IPv4 tail ("::ffff:1.2.3.4") stands for the last two groups.
  if (text.includes(".")) {
    const cut = text.lastIndexOf(":");
    const v4 = parseV4(text.slice(cut + 1));
    if (cut < 0 || v4 === undefined) return undefined;
    text = `${text.slice(0, cut + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const group = (h: string) => (h === "" ? [] : h.split(":"));
  const head = group(halves[0]!), tail = halves.length === 2 ? group(halves[1]!) : [];
  const all = [...head, ...tail];
  if (all.some((h) => !/^[0-9a-fA-F]{1,4}$/.test(h))) return undefined;
  if (halves.length === 1 ? all.length !== 8 : all.length > 7) return undefined;
  const groups = [...head, ...Array<string>(8 - all.length).fill("0"), ...tail];
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An IP ("10.0.0.1", "::1") as a host-length network, or a CIDR; undefined if neither. */
export function parseNet(s: string, allowIp: boolean): Net | undefined {
  const slash = s.indexOf("/");
  const ipText = slash < 0 ? s : s.slice(0, slash);
  const v6 = ipText.includes(":");
  const addr = v6 ? parseV6(ipText) : parseV4(ipText);
  if (addr === undefined) return undefined;
  if (slash < 0) return allowIp ? { v6, addr, bits: v6 ? 128 : 32 } : undefined;
  const bitsText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > (v6 ? 128 : 32)) return undefined;
  return { v6, addr, bits };
}

function formatAddr(v6: boolean, a: bigint): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((a >> s) & 255n)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => Number((a >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (length ≥ 2) of zero groups.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

export const formatNet = (n: Net) => `${formatAddr(n.v6, first(n))}/${n.bits}`;

function cidr(name: string, pos: number, v: unknown, allowIp = false): Net {
  const s = str(name, pos, v);
  const n = parseNet(s, allowIp);
  if (!n) throw builtinError(name, `invalid CIDR address: ${s}`);
  return n;
}

const contains = (outer: Net, inner: Net) => outer.v6 === inner.v6 && first(outer) <= first(inner) && last(inner) <= last(outer);

/** OPA's cidr_merge: drop contained networks, then join sibling halves until nothing changes. */
function merge(nets: Net[]): Net[] {
  let list = [...nets].sort((a, b) => Number(a.v6) - Number(b.v6) || (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : a.bits - b.bits));
  for (let changed = true; changed;) {
    changed = false;
    const out: Net[] = [];
    for (const n of list) {
      const prev = out[out.length - 1];
      if (prev && contains(prev, n)) { changed ||= prev.bits !== n.bits || first(prev) !== first(n); continue; }
      if (prev && prev.v6 === n.v6 && prev.bits === n.bits && prev.bits > 0 && last(prev) + 1n === first(n) &&
        (first(prev) & (1n << BigInt(width(prev) - prev.bits))) === 0n) {
        out[out.length - 1] = { v6: prev.v6, addr: first(prev), bits: prev.bits - 1 };
        changed = true;
        continue;
      }
      out.push({ ...n, addr: first(n) });
    }
    list = out;
  }
  return list;
}

/** Most addresses net.cidr_expand will list; OPA has no cap and would exhaust memory on a /8. */
const MAX_EXPAND = 1 << 16;

export const netBuiltins: Record<string, HostFn> = {
  "net.cidr_overlap": (a, b) => contains(cidr("net.cidr_overlap", 1, a), cidr("net.cidr_overlap", 2, b, true)),
  "net.cidr_is_valid": (a) => typeof a === "string" && parseNet(a, false) !== undefined,
  "net.cidr_expand": (a) => {
    const n = cidr("net.cidr_expand", 1, a);
    const size = last(n) - first(n) + 1n;
    if (size > BigInt(MAX_EXPAND)) throw builtinError("net.cidr_expand", `refusing to expand ${formatNet(n)}: more than ${MAX_EXPAND} addresses`);
    const out: string[] = [];
    for (let x = first(n); x <= last(n); x++) out.push(formatAddr(n.v6, x));
    return out.sort(compareStrings);
  },
  "net.cidr_merge": (a) => {
    const name = "net.cidr_merge";
    const nets = coll(name, 1, a, "one of {array, set}").map((x) => {
      const s = str(name, 1, x);
      const n = parseNet(s, true);
      if (!n) throw builtinError(name, `IP address invalid: ${s}`);
      if (n.v6 && !s.includes("/")) throw builtinError(name, "IPv6 invalid: needs prefix length");
      return n;
    });
    return merge(nets).map(formatNet).sort(compareStrings);
  },
};
