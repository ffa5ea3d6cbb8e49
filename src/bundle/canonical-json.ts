/**
 * OPA's canonical JSON, the form in which structured bundle files (data.json, data.yaml,
 * .manifest) are hashed for signatures: objects with keys sorted bytewise, no whitespace,
 * numbers exactly as written, strings escaped as Go's encoding/json does with HTML escaping off.
 */
import { parse as parseYaml } from "yaml";

/** A JSON number kept as its source text, as Go's `json.Number` keeps it (`2.50` stays `2.50`). */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A JSON value whose objects keep every key (last duplicate wins, as in Go) and whose numbers keep their text. */
export type CanonicalValue = null | boolean | string | JsonNumber | CanonicalValue[] | Map<string, CanonicalValue>;

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** Strict RFC 8259 parsing (what Go's `json.Valid` accepts), with lone surrogates replaced by U+FFFD as Go does. */
export function parseCanonicalJson(text: string): CanonicalValue {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at offset ${i}`, i);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  // Depth is bounded so that a hostile file cannot overflow the stack.
  const value = (depth: number): CanonicalValue => {
    if (depth > 1000) fail("nesting deeper than 1000");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj = new Map<string, CanonicalValue>();
      ws();
      if (text[i] === "}") { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a string key");
        const key = str();
        ws();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        obj.set(key, value(depth + 1));
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return obj; }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const arr: CanonicalValue[] = [];
      ws();
      if (text[i] === "]") { i++; return arr; }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return arr; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith("true", i)) { i += 4; return true; }
    if (text.startsWith("false", i)) { i += 5; return false; }
    if (text.startsWith("null", i)) { i += 4; return null; }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m || m[0].length === 0) return fail("unexpected character");
    i += m[0].length;
    return new JsonNumber(m[0]);
  };
  const str = (): string => {
    i++; // opening quote
    let out = "";
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return out; }
      if (c < 0x20) fail("control character in string");
      if (c !== 0x5c) { out += text[i]; i++; continue; }
      const e = text[i + 1];
      i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case "\\": out += "\\"; break;
        case "/": out += "/"; break;
        case "b": out += "\b"; break;
        case "f": out += "\f"; break;
        case "n": out += "\n"; break;
        case "r": out += "\r"; break;
        case "t": out += "\t"; break;
        case "u": {
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default: fail("bad escape");
      }
    }
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail("trailing characters");
  return replaceLoneSurrogates(v);
}

function replaceLoneSurrogates(v: CanonicalValue): CanonicalValue {
  if (typeof v === "string") return fixSurrogates(v);
  if (Array.isArray(v)) return v.map(replaceLoneSurrogates);
  if (v instanceof Map) {
    const m = new Map<string, CanonicalValue>();
    for (const [k, x] of v) m.set(replaceLoneSurrogates(k) as string, replaceLoneSurrogates(x));
    return m;
  }
  return v;
}

function fixSurrogates(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

/** Converts a plain JS value (from YAML or JSON.parse) to the canonical model; numbers use Go's float formatting, which JS shares. */
export function fromPlain(v: unknown): CanonicalValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new JsonSyntaxError(`number ${v} cannot be represented in JSON`, 0);
    return new JsonNumber(String(v));
  }
  if (typeof v === "bigint") return new JsonNumber(v.toString());
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v instanceof Map) {
    const m = new Map<string, CanonicalValue>();
    for (const [k, x] of v) m.set(String(k), fromPlain(x));
    return m;
  }
  if (typeof v === "object") {
    const m = new Map<string, CanonicalValue>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, fromPlain(x));
    return m;
  }
  throw new JsonSyntaxError(`value of type ${typeof v} cannot be represented in JSON`, 0);
}

/**
 * Parses YAML the way OPA's util.Unmarshal does for data.yaml (go-yaml v2 behind sigs.k8s.io/yaml,
 * so YAML 1.1: `yes`/`no` are booleans), converted to JSON values.
 */
export function parseCanonicalYaml(text: string): CanonicalValue {
  return fromPlain(parseYaml(text, { version: "1.1", maxAliasCount: 1000, uniqueKeys: true }));
}

const utf8 = new TextEncoder();

/** Go's `sort.Strings` order: bytewise over UTF-8, which differs from JS's UTF-16 order above U+FFFF. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(utf8.encode(a)), Buffer.from(utf8.encode(b)));
}

/** Encodes a string as Go's encoding/json does with SetEscapeHTML(false) (Go 1.22+: `\b` and `\f` short forms). */
export function encodeGoString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20) out += "\\u00" + c.toString(16).padStart(2, "0");
    else if (c === 0x2028 || c === 0x2029) out += "\\u" + c.toString(16);
    else if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd";
    else out += ch;
  }
  return out + '"';
}

/** The canonical text of a value: OPA's `walk` in bundle/hash.go. */
export function canonicalJson(v: CanonicalValue): string {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "string") return encodeGoString(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return "[" + v.map(canonicalJson).join(",") + "]";
  const keys = [...v.keys()].sort(compareUtf8);
  return "{" + keys.map((k) => encodeGoString(k) + ":" + canonicalJson(v.get(k)!)).join(",") + "}";
}
