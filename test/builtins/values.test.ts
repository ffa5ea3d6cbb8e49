// Rego ordering, equality and printing of plain JSON values (OPA's ast.Compare and Term.String()).
import { describe, expect, it } from "vitest";
import { compareValues, equalValues, goQuote, regoString, toSet } from "../../src/builtins/values.js";

describe("values", () => {
  it("orders across types as OPA does: null < boolean < number < string < array < object", () => {
    const xs = [{ a: 1 }, [1], "a", 2, true, null, false, 1.5];
    expect([...xs].sort(compareValues)).toEqual([null, false, true, 1.5, 2, "a", [1], { a: 1 }]);
    expect(compareValues("é", "z")).toBeGreaterThan(0); // code point order
    expect(compareValues("\u{1F600}", "\uFFFF")).toBeGreaterThan(0); // not UTF-16 unit order
    expect(equalValues({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(equalValues(1, 1n)).toBe(true);
    expect(toSet([3, 1, 3, "a"])).toEqual([1, 3, "a"]);
  });
  it("prints Rego syntax", () => {
    expect(regoString({ b: "x\n", a: [null, true, 1.25] })).toBe('{"a": [null, true, 1.25], "b": "x\\n"}');
    expect(regoString(12345678901234567890n)).toBe("12345678901234567890");
    expect(goQuote("tab\there\x01")).toBe('"tab\\there\\x01"');
  });
});
