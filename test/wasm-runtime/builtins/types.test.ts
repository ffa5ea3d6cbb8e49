/**
 * Type natives (is_* and type_name) through the real backend, runtime and SDK: every type
 * against every check. Expected values follow OPA (conformance folders typebuiltin, typenamebuiltin).
 */
import { describe, expect, it } from "vitest";
import { checkRows, type Row, type Val } from "./harness.js";

const samples: Array<[string, Val]> = [
  ["null", null],
  ["boolean", false],
  ["number", 1.5],
  ["string", ""],
  ["array", [1]],
  ["object", { a: 1 }],
  ["set", new Set([1])],
];

const rows: Row[] = [];
for (const [type, v] of samples) {
  for (const [check] of samples) rows.push([`is_${check}`, [v], check === type]);
  rows.push(["type_name", [v], type]);
}

describe("type natives", () => {
  it("match OPA's results", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
