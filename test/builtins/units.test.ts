// units.parse / units.parse_bytes against the units conformance folder.
import { describe, expect, it } from "vitest";
import { unitsBuiltins as u } from "../../src/builtins/units.js";

const parse = u["units.parse"]!;
const bytes = u["units.parse_bytes"]!;

describe("units.parse", () => {
  it("parses decimal, binary and milli units exactly", () => {
    expect(parse("500m")).toBe(0.5);
    expect(parse("0.0005K")).toBe(0.5);
    expect(parse("0.0000005M")).toBe(0.5);
    expect(parse("10Ki")).toBe(10240n);
    expect(parse("1.5G")).toBe(1500000000n);
    expect(parse("1e3")).toBe(1000n);
  });
  it("reports OPA's errors", () => {
    expect(() => parse("")).toThrow("units.parse: no amount provided");
    expect(() => parse("1 K")).toThrow("units.parse: spaces not allowed in resource strings");
    expect(() => parse("1.2.3")).toThrow("units.parse: could not parse amount to a number");
    expect(() => parse("10e10000000")).toThrow("units.parse: exponent too large");
  });
});

describe("units.parse_bytes", () => {
  const cases: Array<[string, bigint]> = [
    ['"100TIB"', 109951162777600n], ["0", 0n], ["0.0", 0n], [".0", 0n], ["12345", 12345n], ["10KB", 10000n],
    ["10KIB", 10240n], ["10kb", 10000n], ["10Kib", 10240n], ["200mb", 200000000n], ["300GiB", 322122547200n],
    ["1.1KB", 1100n], ["1.1KiB", 1126n], [".5KB", 500n], ["100k", 100000n], ["100ki", 102400n], ["100m", 100000000n],
    ["100mi", 104857600n], ["100gib", 107374182400n], ["100t", 100000000000000n], ["100ti", 109951162777600n],
    ["100p", 100000000000000000n], ["100pi", 112589990684262400n], ["10e", 10000000000000000000n],
    ["10eb", 10000000000000000000n], ["10ei", 11529215046068469760n], ["10eib", 11529215046068469760n],
    ["1e3KB", 1000000n],
  ];
  for (const [s, want] of cases) it(`parses ${s}`, () => expect(BigInt(bytes(s) as bigint)).toBe(want));
  it("reports OPA's errors", () => {
    for (const s of ["", "GB", "foo"]) expect(() => bytes(s)).toThrow("units.parse_bytes: no byte amount provided");
    for (const s of ["0.0.0", ".5.2"]) expect(() => bytes(s)).toThrow("units.parse_bytes: could not parse byte amount to a number");
    for (const s of ["100 kb", " 327MiB "]) expect(() => bytes(s)).toThrow("units.parse_bytes: spaces not allowed in resource strings");
    expect(() => bytes("10e10000000EiB")).toThrow("units.parse_bytes: exponent too large");
  });
});
