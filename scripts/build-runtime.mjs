#!/usr/bin/env node
// Builds the AssemblyScript runtime (src/wasm-runtime) into build/runtime.wasm, the binary the
// wasm backend links every policy into. Every file in src/wasm-runtime/builtins/ is an entry
// file, so a new family of natives is picked up without touching this script.
import { readdirSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src", "wasm-runtime");
const out = join(root, "build", "runtime.wasm");

// `--families a,b` builds only those family files (to work on the core while another family
// does not compile yet); the default is all of them.
const only = process.argv.includes("--families")
  ? new Set(process.argv[process.argv.indexOf("--families") + 1].split(",").map((f) => `${f}.ts`))
  : undefined;
const families = readdirSync(join(src, "builtins"))
  .filter((f) => f.endsWith(".ts") && (!only || only.has(f)))
  .sort()
  .map((f) => join("src", "wasm-runtime", "builtins", f));

mkdirSync(dirname(out), { recursive: true });
const started = Date.now();
const { error } = await asc.main(
  [
    join("src", "wasm-runtime", "index.ts"),
    ...families,
    "--outFile", out,
    "--importMemory",
    "--initialMemory", "1",
    "--runtime", "stub",
    "-O3",
    "--noAssert",
    "--use", "abort=src/wasm-runtime/errors/runtime_abort",
  ],
  { stdout: process.stdout, stderr: process.stderr, cwd: root },
);
if (error) {
  console.error(`build-runtime: ${error.message}`);

  process.exit(1);
}
console.log(`build-runtime: ${out} (${Date.now() - started} ms)`);
