/**
 * The runtime's JSON parser and dumper (json.ts, dump.ts) through the linked module's
 * opa_json_parse / opa_json_dump exports and through the SDK.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SdkPolicy } from "../compiler/wasm/helpers.js";
import { roundTrip, runtimePolicy } from "./helpers.js";

let p: SdkPolicy;

/** What Go's encoding/json (OPA) writes: keys sorted by UTF-8 bytes, HTML-safe escapes. */
function goDump(v: unknown): string {
  if (v === null || typeof v === "boolean" || typeof v === "number") return JSON.stringify(v);
  if (typeof v === "string") {
    let out = '"';
    for (const ch of v) {
      const c = ch.codePointAt(0)!;
      if (ch === '"' || ch === "\\") out += "\\" + ch;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (ch === "\b") out += "\\b";
      else if (ch === "\f") out += "\\f";
      else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) {
        out += "\\u" + c.toString(16).padStart(4, "0");
      } else out += ch;
    }
    return out + '"';
  }
  if (Array.isArray(v)) return `[${v.map(goDump).join(",")}]`;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${keys.map((k) => `${goDump(k)}:${goDump(obj[k])}`).join(",")}}`;
}
beforeAll(async () => {
  p = await runtimePolicy();
});

describe("json parse and dump", () => {
  it("round-trips scalars, arrays and objects (keys sorted)", () => {
    expect(roundTrip(p, "null")).toBe("null");
    expect(roundTrip(p, " true ")).toBe("true");
    expect(roundTrip(p, "false")).toBe("false");
    expect(roundTrip(p, "[1, -2, 0, 3.5, \"x\", [], {}]")).toBe('[1,-2,0,3.5,"x",[],{}]');
    expect(roundTrip(p, '{"b": 1, "a": {"d": [true], "c": null}}')).toBe('{"a":{"c":null,"d":[true]},"b":1}');
    // Duplicate keys: the last one wins, as in Go.
    expect(roundTrip(p, '{"a": 1, "a": 2}')).toBe('{"a":2}');
  });

  it("keeps numbers exact: big integers, i64 edges and number text", () => {
    expect(roundTrip(p, "123456789012345678901234567890")).toBe("123456789012345678901234567890");
    expect(roundTrip(p, "9223372036854775807")).toBe("9223372036854775807");
    expect(roundTrip(p, "-9223372036854775808")).toBe("-9223372036854775808");
    expect(roundTrip(p, "9223372036854775808")).toBe("9223372036854775808");
    expect(roundTrip(p, "1e400")).toBe("1e400");
    expect(roundTrip(p, "1.0")).toBe("1.0");
    expect(roundTrip(p, "-0.000001e-5")).toBe("-0.000001e-5");
  });

  it("decodes escapes and unicode, and dumps as Go's encoding/json does", () => {
    expect(roundTrip(p, '"a\\"b\\\\c\\/d\\n\\r\\t\\b\\f"')).toBe('"a\\"b\\\\c/d\\n\\r\\t\\b\\f"');
    expect(roundTrip(p, '"\\u00e9\\u4e2d\\ud83d\\ude00"')).toBe('"é中😀"');
    expect(roundTrip(p, '"é中😀"')).toBe('"é中😀"');
    expect(roundTrip(p, '"<a href=\\"x\\">&</a>"')).toBe('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    expect(roundTrip(p, '"\\u2028\\u2029\\u0001\\u001f"')).toBe('"\\u2028\\u2029\\u0001\\u001f"');
    // A lone surrogate decodes to U+FFFD, as Go does.
    expect(roundTrip(p, '"\\ud800x"')).toBe('"\uFFFDx"');
    // Invalid UTF-8 bytes are dumped as \ufffd.
    expect(roundTrip(p, new Uint8Array([0x22, 0x61, 0xff, 0x62, 0x22]))).toBe('"a\\ufffdb"');
  });

  it("returns 0 (never traps) for invalid JSON", () => {
    const bad = [
      "", " ", "{", "[1,]", "[1 2]", '{"a" 1}', '{"a":1,}', "{1:2}", "tru", "nul", "01", "1.", ".5", "-", "1e",
      '"abc', '"\\x"', '"\\u12"', '"a\u0001b"', "[1]]", "1 2", "NaN", "Infinity", "'a'", "[", '{"a":',
    ];
    for (const text of bad) expect(roundTrip(p, text), text).toBeNull();
  });

  it("parses and dumps deep nesting (2500 levels) without overflowing the stack, and refuses deeper", () => {
    const depth = 2500;
    const deep = "[".repeat(depth) + "]".repeat(depth);
    expect(roundTrip(p, deep)).toBe(deep);
    const objs = '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
    expect(roundTrip(p, objs)).toBe(objs);
    expect(roundTrip(p, "[".repeat(depth + 1) + "]".repeat(depth + 1))).toBeNull();
    expect(roundTrip(p, "[".repeat(200000) + "]".repeat(200000))).toBeNull();
  });

  it("round-trips 300 random documents exactly as JSON.parse reads them (keys sorted)", () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const chars = ["a", "b", "é", "中", "😀", "\n", "\"", "\\", "<", "&", "\u0007", " ", "z", "0"];
    const str = () => Array.from({ length: rnd(6) }, () => chars[rnd(chars.length)]).join("");
    const gen = (depth: number): unknown => {
      switch (depth > 3 ? rnd(4) : rnd(7)) {
        case 0: return null;
        case 1: return rnd(2) === 0;
        case 2: return rnd(3) === 0 ? (rnd(2000000) - 1000000) / 64 : rnd(2000000000) - 1000000000;
        case 3: return str();
        case 4: return Array.from({ length: rnd(5) }, () => gen(depth + 1));
        default: return Object.fromEntries(Array.from({ length: rnd(6) }, () => [str(), gen(depth + 1)]));
      }
    };
    for (let i = 0; i < 300; i++) {
      const doc = gen(0);
      const text = JSON.stringify(doc);
      expect(roundTrip(p, text), text).toBe(goDump(doc));
    }
  });

  it("echoes inputs through the SDK on both paths", () => {
    const input = { s: "é\n<", n: [1, 2.5, -3], o: { z: null, a: false }, e: {} };
    expect(p.evaluate(input)).toEqual([{ result: input }]);
    p.minorVersion = 1;
    expect(p.evaluate(input)).toEqual([{ result: input }]);
    p.minorVersion = 2;
  });
});
