// sprintf against Go's fmt documentation and OPA's conversion rules (sprintf conformance folder, OPA docs).
import { describe, expect, it } from "vitest";
import { sprintfBuiltins } from "../../src/builtins/sprintf.js";
import { hostBuiltins, strictHostBuiltins } from "../../src/builtins/index.js";

const sprintf = (f: string, args: unknown[]) => sprintfBuiltins.sprintf!(f, args);

describe("sprintf", () => {
  it("formats Go verbs", () => {
    expect(sprintf("%d %s %v", [42, "x", "y"])).toBe("42 x y");
    expect(sprintf("%.2f", [3.14159])).toBe("3.14");
    expect(sprintf("%f", [1.5])).toBe("1.500000");
    expect(sprintf("%x %X %o %b", [255, 255, 8, 5])).toBe("ff FF 10 101");
    expect(sprintf("%q", ["hi\n"])).toBe('"hi\\n"');
    expect(sprintf("%e", [1234.5678])).toBe("1.234568e+03");
    expect(sprintf("%g", [1234567.5])).toBe("1.2345675e+06");
    expect(sprintf("%g", [100000.5])).toBe("100000.5");
    expect(sprintf("%v", [0.000001])).toBe("1e-06");
    expect(sprintf("%.3g", [3.14159])).toBe("3.14");
    expect(sprintf("100%%", [])).toBe("100%");
    expect(sprintf("%5d|%-5d|%05d", [42, 42, 42])).toBe("   42|42   |00042");
    expect(sprintf("%+d %+d", [5, -5])).toBe("+5 -5");
    expect(sprintf("%8.3f|", [-3.14159])).toBe("  -3.142|");
    expect(sprintf("%6s|%-6s|", ["ab", "ab"])).toBe("    ab|ab    |");
    expect(sprintf("%.2s", ["hello"])).toBe("he");
    expect(sprintf("%x", ["hi"])).toBe("6869");
    expect(sprintf("%c %U", [65, 0x1f600])).toBe("A U+1F600");
    expect(sprintf("%[2]s %[1]s", ["a", "b"])).toBe("b a");
    expect(sprintf("%*d", [4, 7])).toBe("   7");
  });

  it("prints Rego syntax for composites, as OPA passes term strings", () => {
    expect(sprintf("%v", [[1, "a", null]])).toBe('[1, "a", null]');
    expect(sprintf("%v", [{ b: [true], a: 1 }])).toBe('{"a": 1, "b": [true]}');
    expect(sprintf("%s", [{ a: "x" }])).toBe('{"a": "x"}');
    expect(sprintf("%v %s", [true, false])).toBe("true false");
    expect(sprintf("%v", [1.5])).toBe("1.5");
  });

  it("reports bad verbs, missing and extra operands like Go", () => {
    expect(sprintf("%d", ["x"])).toBe("%!d(string=x)");
    expect(sprintf("%s", [5])).toBe("%!s(int=5)");
    expect(sprintf("%d", [1.5])).toBe("%!d(float64=1.5)");
    expect(sprintf("%t", [true])).toBe("%!t(string=true)");
    expect(sprintf("%d %d", [1])).toBe("1 %!d(MISSING)");
    expect(sprintf("%d", [1, 2])).toBe("1%!(EXTRA int=2)");
  });

  it("prints big integers with %s (conformance sprintf/big_int, within float precision)", () => {
    expect(sprintf("%s", [2n ** 80n - 1n])).toBe("1208925819614629174706175");
    expect(sprintf("%d", [123456789123456789123n])).toBe("123456789123456789123");
  });

  it("checks operand types", () => {
    expect(() => strictHostBuiltins.sprintf!("%s", "x")).toThrow("sprintf: operand 2 must be array but got string");
    expect(() => strictHostBuiltins.sprintf!(1, [])).toThrow("sprintf: operand 1 must be string but got number");
    expect(hostBuiltins.sprintf!(1, [])).toBeUndefined();
  });
});
