// Tests for src/rego/errors.ts: every code is documented in docs/errors.md, in the rego section.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseError, REGO_ERROR_CODES } from "../../src/rego/errors.js";

const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "errors.md"), "utf8");
const section = doc.slice(doc.indexOf("## rego"), doc.indexOf("\n## ", doc.indexOf("## rego") + 1) >>> 0);

describe("rego error codes", () => {
  it("are documented in the rego section of docs/errors.md", () => {
    expect(section.startsWith("## rego")).toBe(true);
    for (const code of Object.values(REGO_ERROR_CODES)) expect(section).toContain(`| \`${code}\` |`);
  });

  it("follow <area>_<kind>_error and print as file:row:col: code: message", () => {
    for (const code of Object.values(REGO_ERROR_CODES)) expect(code).toMatch(/^rego_[a-z]+_error$/);
    expect(String(parseError("unexpected } token", { file: "a.rego", row: 3, col: 7 }))).toBe(
      "a.rego:3:7: rego_parse_error: unexpected } token",
    );
  });
});
