// Every compiler error code is documented in docs/errors.md, in the compiler section.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { COMPILE_ERROR, RECURSION_ERROR, TYPE_ERROR, UNSAFE_VAR_ERROR } from "../../src/compiler/errors.js";

it("documents each compiler error code", () => {
  const doc = readFileSync(resolve(import.meta.dirname, "../../docs/errors.md"), "utf8");
  const section = doc.slice(doc.indexOf("## compiler"), doc.indexOf("\n## ", doc.indexOf("## compiler") + 1));
  for (const code of [COMPILE_ERROR, TYPE_ERROR, UNSAFE_VAR_ERROR, RECURSION_ERROR]) expect(section).toContain(`\`${code}\``);
});
