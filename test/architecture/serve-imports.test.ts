// The sidecar runs compiled bundles (OPA's too): nothing reachable from the serve entry may load
// the compiler, the Rego front end, the tester, binaryen or assemblyscript. This walks the static
// and dynamic imports of the source tree from the CLI entry for `serve`.
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\("([^"]+)"\)/g;

/** Every module reachable from `entry`, with the module that first imported it. */
function reachable(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (file: string, from: string) => {
    if (seen.has(file)) return;
    seen.set(file, from);
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith(".")) walk(resolve(dirname(file), spec.replace(/\.js$/, ".ts")), file);
      else seen.set(`package:${spec}`, file);
    }
  };
  walk(entry, "(entry)");
  return seen;
}

describe("the serve entry's import graph", () => {
  it("reaches no compiler, Rego front end, tester, binaryen or assemblyscript", () => {
    // main.ts loads each verb lazily; for `serve` only serve.ts is loaded.
    const graph = reachable(join(ROOT, "src/cli/serve.ts"));
    const forbidden = [...graph.keys()].filter((f) =>
      /\/src\/(compiler|rego|tester)\//.test(f) || /^package:(binaryen|assemblyscript)/.test(f),
    );
    const chain = (f: string) => {
      const out: string[] = [];
      for (let x: string | undefined = f; x && x !== "(entry)"; x = graph.get(x)) out.push(relative(ROOT, x));
      return out.join(" <- ");
    };
    expect(forbidden.map(chain)).toEqual([]);
    expect(graph.size).toBeGreaterThan(20);
  });

  it("main.ts loads the verbs only through import(), so each process loads the verb it runs", () => {
    const main = readFileSync(join(ROOT, "src/cli/main.ts"), "utf8");
    const eager = [...main.matchAll(/^import [^;]* from "\.\/([\w-]+)\.js";$/gm)].map((m) => m[1]);
    expect(eager).toEqual([]);
    expect(main).toMatch(/serve: \(\) => import\("\.\/serve\.js"\)/);
  });
});
