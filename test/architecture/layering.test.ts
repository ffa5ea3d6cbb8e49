// The layering of src/ (docs/architecture.md): which top-level folder may import which. The
// table is the rule; an import that crosses folders outside it fails here, with the file that
// made it. src/errors.ts, the shared error type, may be imported from anywhere.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\("([^"]+)"\)/g;

/** Each folder and the folders it may import; everything else is a layering break. */
export const ALLOWED: Record<string, string[]> = {
  rego: [],
  builtins: [],
  limits: [],
  "wasm-runtime": [],
  compiler: ["rego", "builtins"],
  evaluator: ["builtins"],
  tester: ["rego", "compiler", "evaluator", "builtins"],
  bundle: ["compiler", "limits"],
  identity: ["limits"],
  budget: ["config"],
  config: ["budget"],
  authz: ["budget", "bundle", "config", "evaluator", "identity", "limits"],
  cli: ["authz", "budget", "builtins", "bundle", "compiler", "config", "evaluator", "identity", "limits", "rego", "tester"],
  conformance: ["builtins", "bundle", "cli", "compiler", "evaluator", "rego"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** The top-level folder of a path under src/, or "" for a file directly in src/. */
const folderOf = (path: string): string => {
  const parts = relative(SRC, path).split("/");
  return parts.length === 1 ? "" : parts[0]!;
};

/** Every import that leaves its folder for one the table does not allow. */
export function layeringBreaks(files: string[], allowed = ALLOWED): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = folderOf(file);
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      if (!spec.startsWith(".")) continue;
      const to = folderOf(resolve(dirname(file), spec));
      if (to === from || to === "") continue;
      if (!(allowed[from] ?? []).includes(to)) out.push(`${relative(SRC, file)} imports ${spec} (${from} -> ${to})`);
    }
  }
  return out;
}

describe("the layering of src/", () => {
  const files = sourceFiles(SRC);

  it("has a rule for every folder", () => {
    const folders = [...new Set(files.map(folderOf).filter((f) => f !== ""))].sort();
    expect(folders).toEqual(Object.keys(ALLOWED).sort());
  });

  it("has no import outside the table", () => {
    expect(layeringBreaks(files)).toEqual([]);
  });

  it("catches a planted break: an import the table does not list", () => {
    const planted = join(SRC, "evaluator", "index.ts");
    const withoutCompiler = { ...ALLOWED, evaluator: [] };
    expect(layeringBreaks([planted], withoutCompiler)).toEqual([expect.stringContaining("evaluator -> builtins")]);
  });
});
