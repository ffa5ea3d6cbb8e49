/**
 * Rego's total order and equality in the runtime (compare.ts, hash.ts, table.ts), observed
 * through sets built from the input: sets dedupe with value equality and dump sorted.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { L, load, planOnly, type SdkPolicy } from "../compiler/wasm/helpers.js";
import { evalText } from "./helpers.js";

let toSet: SdkPolicy;
let toObjectKeys: SdkPolicy;
beforeAll(async () => {
  toSet = await load(planOnly([
    { type: "MakeSet", target: 2 },
    { type: "Scan", source: 0, key: 3, value: 4, block: { stmts: [{ type: "SetAdd", set: 2, value: L(4) }] } },
    { type: "ResultSetAdd", value: 2 },
  ]));
  // {x: i | x := input[i]} — keys of any type, dumped as JSON strings in key order.
  toObjectKeys = await load(planOnly([
    { type: "MakeObject", target: 2 },
    { type: "Scan", source: 0, key: 3, value: 4, block: { stmts: [{ type: "ObjectInsert", object: 2, key: L(4), value: L(3) }] } },
    { type: "ResultSetAdd", value: 2 },
  ]));
});

describe("ordering and equality", () => {
  it("orders across types: null < boolean < number < string < array < object", () => {
    const input = [{ a: 1 }, [1], "b", "a", 2, 1.5, true, false, null, [0, 5], { a: 0 }, "", -1];
    expect(toSet.evaluate(input)).toEqual([{ result: [null, false, true, -1, 1.5, 2, "", "a", "b", [0, 5], [1], { a: 0 }, { a: 1 }] }]);
  });

  it("treats 1, 1.0 and 1e0 as one number and keeps big numbers apart exactly", () => {
    const out = evalText(toSet, "[1, 1.0, 1e0, 10e-1, 18446744073709551617, 18446744073709551616, 1e400, 1e399, 0.1234567890123456789, 0.1234567890123456788]");
    expect(JSON.stringify(out)).toBe(
      JSON.stringify([{ result: [0.1234567890123456788, 0.1234567890123456789, 1, 18446744073709551616, 18446744073709551617, 1e399, 1e400] }]),
    );
    const rs = out as Array<{ result: unknown[] }>;
    expect(rs[0].result.length).toBe(7);
  });

  it("orders strings bytewise (UTF-8), shorter prefixes first", () => {
    expect(toSet.evaluate(["é", "z", "ab", "a", "A", "😀", "中"])).toEqual([{ result: ["A", "a", "ab", "z", "é", "中", "😀"] }]);
  });

  it("dedupes composite values structurally, whatever their key order", () => {
    const input = [{ b: [1, { c: 2 }], a: null }, { a: null, b: [1, { c: 2 }] }, { a: null, b: [1, { c: 3 }] }];
    expect(toSet.evaluate(input)).toEqual([{ result: [{ a: null, b: [1, { c: 2 }] }, { a: null, b: [1, { c: 3 }] }] }]);
  });

  it("sorts object keys of any type and writes non-string keys as their JSON text", () => {
    expect(toObjectKeys.evaluate(["b", 2, "a", 1, null])).toEqual([{ result: { "null": 4, "1": 3, "2": 1, a: 2, b: 0 } }]);
  });

  it("looks up many keys through the hash index after growth", () => {
    const input = Array.from({ length: 2000 }, (_, i) => `k${(i * 7919) % 2000}`);
    const rs = toSet.evaluate(input) as Array<{ result: string[] }>;
    expect(rs[0].result).toEqual([...new Set(input)].sort());
  });
});
