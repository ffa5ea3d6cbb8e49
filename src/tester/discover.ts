/**
 * Finds the tests in parsed modules: complete, argument-less rules named `test_*` (run) or
 * `todo_*` (reported as skipped), each with its package, entrypoint and location.
 */
import type { Module, Rule } from "../rego/ast.js";
import type { ErrorLocation } from "../errors.js";

export interface TestCase {
  /** `data.pkg.test_name`, the name `opa test` prints and --run matches. */
  name: string;
  /** `data.pkg`. */
  pkg: string;
  rule: string;
  /** `pkg/test_name`, the compile entrypoint. */
  entrypoint: string;
  location: ErrorLocation;
  /** `todo_*` rules are listed but not run. */
  skip: boolean;
  /** How many rules of the package define this name (more than one is reported, not merged). */
  definitions: number;
}

function ruleName(rule: Rule): string | null {
  const head = rule.head.ref;
  if (head.length !== 1 || head[0].type !== "var") return null;
  return head[0].name;
}

export function discoverTests(modules: Module[]): TestCase[] {
  const byName = new Map<string, TestCase>();
  for (const m of modules) {
    for (const rule of m.rules) {
      const name = ruleName(rule);
      if (!name || rule.head.args !== null || rule.kind !== "complete") continue;
      const skip = name.startsWith("todo_");
      if (!skip && !name.startsWith("test_")) continue;
      const full = `data.${[...m.package.path, name].join(".")}`;
      const seen = byName.get(full);
      if (seen) {
        seen.definitions++;
        continue;
      }
      byName.set(full, {
        name: full,
        pkg: `data.${m.package.path.join(".")}`,
        rule: name,
        entrypoint: [...m.package.path, name].join("/"),
        location: { file: rule.loc.file, row: rule.loc.row, col: rule.loc.col },
        skip,
        definitions: 1,
      });
    }
  }
  return [...byName.values()].sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.row - b.location.row);
}
