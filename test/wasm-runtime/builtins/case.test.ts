/**
 * lower and upper map every code point by Unicode's simple case mapping, as Go's unicode.ToLower
 * and ToUpper do for OPA: known vectors from Go, then every code point of the Unicode range through
 * the real backend, runtime and SDK against scripts/case-mapping.mjs, whose table must be current.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs helper shared with the generator
import { mapping } from "../../../scripts/case-mapping.mjs";
import { checkRows, type Row } from "./harness.js";
import { compile } from "../../../src/compiler/index.js";
import { loadPolicy } from "../../../src/evaluator/index.js";

const rows: Row[] = [
  // Go: strings.ToLower("ὈΔΥΣΣΕΎΣ") == "ὀδυσσεύσ" (no final sigma: Go maps rune by rune)
  ["lower", ["ὈΔΥΣΣΕΎΣ"], "ὀδυσσεύσ"],
  ["lower", ["Ɐ"], "ɐ"],
  ["upper", ["ɐ"], "Ɐ"],
  ["upper", ["ß"], "ß"],
  ["lower", ["İ"], "i"],
  ["upper", ["ǅ"], "Ǆ"],
  ["lower", ["ǅ"], "ǆ"],
  ["upper", ["ﬀ"], "ﬀ"],
  ["lower", ["Ω"], "ω"],
  ["upper", ["ſ"], "S"],
  ["upper", ["ᾳ"], "ᾼ"],
  ["upper", ["ᾈ"], "ᾈ"],
  ["lower", ["ᏴᎠ"], "ᏼꭰ"],
  ["upper", ["ა"], "Ა"],
  ["lower", ["𐐀Z"], "𐐨z"],
  ["lower", ["ÀÉÎ"], "àéî"],
];

describe("case mapping", () => {
  it("matches Go's unicode.ToLower/ToUpper on known vectors", async () => {
    expect((await checkRows(rows)).filter((f) => f !== null)).toEqual([]);
  });

  it("the generated table is current for this Node's Unicode data", () => {
    execFileSync(process.execPath, ["scripts/gen-case-tables.mjs", "--check"], { stdio: "pipe" });
  });

  it("maps every code point as the simple mapping says", async () => {
    const { wasm } = await compile({
      modules: [{ path: "c.rego", source: "package c\nlo := lower(input.s)\nup := upper(input.s)\n" }],
      entrypoints: ["c/lo", "c/up"],
    });
    const policy = await loadPolicy(wasm);
    const wrong: string[] = [];
    const CHUNK = 0x4000;
    for (let start = 0; start <= 0x10ffff; start += CHUNK) {
      const cps: number[] = [];
      for (let cp = start; cp < Math.min(start + CHUNK, 0x110000); cp++) if (cp < 0xd800 || cp > 0xdfff) cps.push(cp);
      const s = String.fromCodePoint(...cps);
      const lo = [...(policy.evaluate({ s }, "c/lo")[0]!.result as string)].map((c) => c.codePointAt(0)!);
      const up = [...(policy.evaluate({ s }, "c/up")[0]!.result as string)].map((c) => c.codePointAt(0)!);
      cps.forEach((cp, i) => {
        const [l, u] = mapping(cp) as [number, number];
        if (lo[i] !== l || up[i] !== u) wrong.push(`U+${cp.toString(16)}: got ${lo[i]?.toString(16)}/${up[i]?.toString(16)}, want ${l.toString(16)}/${u.toString(16)}`);
      });
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});
