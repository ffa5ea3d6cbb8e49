/**
 * wasmInfo reads the built-ins and entrypoints a module declares through OPA's ABI, with
 * inert imports, and answers plainly for modules that do not speak the ABI.
 */
import { describe, expect, it } from "vitest";
import { importedMemoryLimits, wasmInfo } from "../../src/bundle/wasm-info.js";
import { TINY_WASM } from "./fixtures.js";
import { abiModule } from "./wasm-module.js";

describe("wasmInfo", () => {
  it("reads builtins(), entrypoints() and the ABI version", async () => {
    const bytes = abiModule({ sprintf: 0, "time.now_ns": 1 }, { "envoy/authz/allow": 0 });
    expect(importedMemoryLimits(bytes)).toEqual({ min: 2, max: 65536 });
    expect(await wasmInfo("policy.wasm", bytes)).toEqual({ builtins: ["sprintf", "time.now_ns"], entrypoints: { "envoy/authz/allow": 0 }, abiVersion: 1, abiMinorVersion: 3 });
  });

  it("returns nothing for a module without the ABI exports", async () => {
    expect(await wasmInfo("policy.wasm", TINY_WASM)).toEqual({ builtins: [], entrypoints: {} });
  });

  it("reports a broken module as a format error", async () => {
    await expect(wasmInfo("policy.wasm", new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 9, 9]))).rejects.toMatchObject({ code: "bundle_format_error" });
  });
});
