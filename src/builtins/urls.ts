/**
 * urlquery.* (OPA's topdown/encoding.go): Go's url.QueryEscape / QueryUnescape / Values.Encode / ParseQuery,
 * including their error messages for bad escapes and semicolons.
 */
import { obj, str, typeName, type HostFn } from "./args.js";
import { builtinError, operandError } from "./errors.js";

/** Go's url.QueryEscape: unreserved bytes stay, space is '+', the rest is %XX. */
export function queryEscape(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** Go's url.QueryUnescape; throws on a malformed escape with Go's wording. */
export function queryUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "%") {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) throw new Error(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c === "+") bytes.push(0x20);
    else bytes.push(...Buffer.from(c, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

function parseQuery(name: string, q: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of q.split("&")) {
    if (part === "") continue;
    if (part.includes(";")) throw builtinError(name, "invalid semicolon separator in query");
    const eq = part.indexOf("=");
    const [k, v] = eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
    let key: string, value: string;
    try {
      key = queryUnescape(k);
      value = queryUnescape(v);
    } catch (e) {
      throw builtinError(name, (e as Error).message);
    }
    (out[key] ??= []).push(value);
  }
  return out;
}

function encodeObject(x: unknown): string {
  const name = "urlquery.encode_object";
  const o = obj(name, 1, x);
  const parts: string[] = [];
  // Go's Values.Encode sorts by key.
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    const values = typeof v === "string" ? [v] : Array.isArray(v) ? v : undefined;
    if (values === undefined) throw operandError(name, 1, "object of strings, arrays or sets of strings", `object containing ${typeName(v)}`);
    for (const s of values) {
      if (typeof s !== "string") throw operandError(name, 1, "object of strings, arrays or sets of strings", `array containing ${typeName(s)}`);
      parts.push(`${queryEscape(k)}=${queryEscape(s)}`);
    }
  }
  return parts.join("&");
}

export const urlBuiltins: Record<string, HostFn> = {
  "urlquery.encode": (x) => queryEscape(str("urlquery.encode", 1, x)),
  "urlquery.decode": (x) => {
    const s = str("urlquery.decode", 1, x);
    try {
      return queryUnescape(s);
    } catch (e) {
      throw builtinError("urlquery.decode", (e as Error).message);
    }
  },
  "urlquery.encode_object": encodeObject,
  "urlquery.decode_object": (x) => parseQuery("urlquery.decode_object", str("urlquery.decode_object", 1, x)),
};

