/**
 * Every tester error code is documented in docs/errors.md.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { TESTER_ERROR_CODES, testerError } from "../../src/tester/errors.js";

const docs = readFileSync(resolve(import.meta.dirname, "../../docs/errors.md"), "utf8");

describe("tester error codes", () => {
  it.each(Object.values(TESTER_ERROR_CODES))("%s is documented", (code) => {
    expect(docs).toContain(`| \`${code}\` |`);
  });
  it("prints as code: message", () => {
    expect(testerError("usage", "bad").toString()).toBe("tester_usage_error: bad");
  });
});
