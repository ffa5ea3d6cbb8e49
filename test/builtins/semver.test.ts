// semver built-ins against the semvercompare conformance folder and semver.org's precedence example.
import { describe, expect, it } from "vitest";
import { semverBuiltins as s } from "../../src/builtins/semver.js";

describe("semver", () => {
  it("compares", () => {
    expect(s["semver.compare"]!("1.0.0", "2.0.0")).toBe(-1);
    expect(s["semver.compare"]!("2.0.0", "1.0.0")).toBe(1);
    expect(s["semver.compare"]!("1.0.0+build.1", "1.0.0")).toBe(0);
    const order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"];
    for (let i = 0; i + 1 < order.length; i++) expect(s["semver.compare"]!(order[i], order[i + 1])).toBe(-1);
  });
  it("rejects invalid versions with OPA's message", () => {
    expect(() => s["semver.compare"]!("1", "1.0.0")).toThrow('semver.compare: operand 1: string "1" is not a valid SemVer');
    expect(() => s["semver.compare"]!("1.0.0", "v1")).toThrow('semver.compare: operand 2: string "v1" is not a valid SemVer');
  });
  it("validates", () => {
    expect(s["semver.is_valid"]!("1.2.3-rc.1+b")).toBe(true);
    expect(s["semver.is_valid"]!("01.2.3")).toBe(false);
    expect(s["semver.is_valid"]!("v1.2.3")).toBe(false);
    expect(s["semver.is_valid"]!(1)).toBe(false);
  });
});
