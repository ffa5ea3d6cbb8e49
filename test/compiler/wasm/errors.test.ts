/**
 * Every wasm backend error code is documented in docs/errors.md and follows wasm_<kind>_error.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { WASM_ERRORS, wasmError } from "../../../src/compiler/wasm/errors.js";

const docs = readFileSync(resolve(import.meta.dirname, "../../../docs/errors.md"), "utf8");

describe("wasm backend error codes", () => {
  it.each(Object.values(WASM_ERRORS))("%s is documented", (code) => {
    expect(docs).toContain(`| \`${code}\` |`);
  });
  it("follows wasm_<kind>_error and carries the IR location", () => {
    for (const code of Object.values(WASM_ERRORS)) expect(code).toMatch(/^wasm_[a-z]+_error$/);
    expect(wasmError("ir", "bad", { file: "a.rego", row: 2, col: 3 }).toString()).toBe("a.rego:2:3: wasm_ir_error: bad");
  });
});
