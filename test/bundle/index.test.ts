/**
 * The public API keeps its promised names, and no bundle module imports the compiler
 * statically: the sidecar reads bundles without loading the compiler (STYLE: authz never
 * depends on compiler), only buildBundle loads it on demand.
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../../src/bundle/index.js";

describe("src/bundle/index.ts", () => {
  it("exports the programmatic API", () => {
    for (const name of ["readBundle", "writeBundle", "buildBundle", "signBundle", "verifyBundle", "hashFile", "extractBundle"]) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe("function");
    }
  });

  it("has no static import of the compiler in any bundle module", () => {
    const dir = resolve(import.meta.dirname, "../../src/bundle");
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts"))) {
      const text = readFileSync(resolve(dir, f), "utf8");
      expect(text, f).not.toMatch(/^import [^;]*from "\.\.\/compiler\//m);
    }
  });
});
