/** Every error code of the sidecar's areas (authz, identity, budget, config) is documented in docs/errors.md, in its section. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as authz from "../../src/authz/errors.js";
import * as identity from "../../src/identity/errors.js";
import * as budget from "../../src/budget/errors.js";
import * as config from "../../src/config/errors.js";
import { ROOT } from "./harness.js";

const doc = readFileSync(join(ROOT, "docs/errors.md"), "utf8");

function section(name: string): string {
  const start = doc.indexOf(`\n## ${name}\n`);
  expect(start, `docs/errors.md has no "## ${name}" section`).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe("error codes", () => {
  for (const [area, codes] of Object.entries({ authz, identity, budget, config })) {
    it(`${area}: each code is <area>_<kind>_error and documented`, () => {
      const text = section(area);
      const values = Object.values(codes) as string[];
      expect(values.length).toBeGreaterThan(0);
      for (const code of values) {
        expect(code).toMatch(new RegExp(`^${area}_[a-z_]+_error$`));
        expect(text).toContain(`| \`${code}\` |`);
      }
    });
  }
});
