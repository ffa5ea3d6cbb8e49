/**
 * Every bundle error code is documented in docs/errors.md, and bundleError builds RegentErrors
 * that print as `code: message`.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLE_ERROR_CODES, bundleError } from "../../src/bundle/errors.js";

const docs = readFileSync(resolve(import.meta.dirname, "../../docs/errors.md"), "utf8");

describe("bundle error codes", () => {
  it.each(Object.values(BUNDLE_ERROR_CODES))("%s is documented", (code) => {
    expect(docs).toContain(`| \`${code}\` |`);
  });
  it("follows <area>_<kind>_error and prints as code: message", () => {
    for (const code of Object.values(BUNDLE_ERROR_CODES)) expect(code).toMatch(/^bundle_[a-z]+_error$/);
    expect(bundleError("format", "x").toString()).toBe("bundle_format_error: x");
  });
});
