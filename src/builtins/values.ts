/**
 * Rego value helpers for plain JSON values: OPA's total order and equality, and the Rego-syntax printer
 * that OPA uses for `%v` in sprintf and for messages. Sets arrive from the SDK as arrays and print as arrays.
 */
import { isObject } from "./args.js";

const RANK: Record<string, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5 };

function rank(v: unknown): number {
  if (v === null || v === undefined) return RANK.null!;
  if (Array.isArray(v)) return RANK.array!;
  const t = typeof v;
  if (t === "bigint") return RANK.number!;
  return RANK[t] ?? RANK.object!;
}

/** OPA's ordering: null < booleans < numbers < strings < arrays < objects; strings by code point. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === "boolean") return Number(a) - Number(b as boolean);
  if (typeof a === "number" || typeof a === "bigint") {
    const x = a as number | bigint, y = b as number | bigint;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "string") return compareStrings(a, b as string);
  if (Array.isArray(a)) {
    const y = b as unknown[];
    for (let i = 0; i < Math.min(a.length, y.length); i++) {
      const c = compareValues(a[i], y[i]);
      if (c !== 0) return c;
    }
    return a.length - y.length;
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).sort(compareStrings), kb = Object.keys(b).sort(compareStrings);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const c = compareStrings(ka[i]!, kb[i]!) || compareValues(a[ka[i]!], b[kb[i]!]);
      if (c !== 0) return c;
    }
    return ka.length - kb.length;
  }
  return 0;
}

/** Byte-wise (UTF-8) order, which for valid strings is code point order, not UTF-16 unit order. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

export function equalValues(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/** Sorted, deduplicated copy: how a set-valued result is returned. */
export function toSet<T>(xs: T[]): T[] {
  const sorted = [...xs].sort(compareValues);
  return sorted.filter((x, i) => i === 0 || !equalValues(sorted[i - 1], x));
}

/** Go's strconv.Quote as OPA uses it for strings inside composite values. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\v") out += "\\v";
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

/** A number as OPA prints it: integers in full, floats in Go's shortest form. */
export function formatNumber(n: number | bigint): string {
  if (typeof n === "bigint" || Number.isInteger(n)) {
    if (typeof n === "number" && Math.abs(n) >= 1e21) return BigInt(n).toString();
    return n.toString();
  }
  return String(n).replace(/e\+?/, "e");
}

/** Rego syntax of a value (ast.Term.String()): `[1, "a"]`, `{"k": true}`, keys in OPA's sorted order. */
export function regoString(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number" || typeof v === "bigint") return formatNumber(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(regoString).join(", ")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort(compareStrings);
  return `{${keys.map((k) => `${goQuote(k)}: ${regoString(o[k])}`).join(", ")}}`;
}
