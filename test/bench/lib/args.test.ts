/** bench/lib/args.ts: flags, repeated and comma-separated --only, and clear errors. */
import { describe, expect, it } from "vitest";
import { DEFAULT_OUT, parseArgs } from "../../../bench/lib/args.js";
import { RegentError } from "../../../src/errors.js";

describe("parseArgs", () => {
  it("reads --quick, --only (repeated, comma-separated, or with =) and --out", () => {
    expect(parseArgs([])).toEqual({ quick: false, only: [], out: DEFAULT_OUT, list: false });
    const a = parseArgs(["--quick", "--only", "hotpath/rbac,jwt", "--only=e2e/noop", "--out", "x.json", "--list"]);
    expect(a).toEqual({ quick: true, only: ["hotpath/rbac", "jwt", "e2e/noop"], out: "x.json", list: true });
  });

  it("names an unknown flag and a flag without its value", () => {
    expect(() => parseArgs(["--fast"])).toThrow(RegentError);
    expect(() => parseArgs(["--fast"])).toThrow(/unknown argument "--fast"/);
    expect(() => parseArgs(["--only"])).toThrow(/--only needs a value/);
    try {
      parseArgs(["--out"]);
    } catch (err) {
      expect((err as RegentError).code).toBe("bench_args_error");
    }
  });
});
