/**
 * `regent build`: compiles policies to wasm and writes a reproducible, OPA-format bundle,
 * from plain paths (as `opa build`) and/or a bundle definition folder (`--bundle`).
 */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { RegentErrors } from "../errors.js";
import { buildBundle } from "../bundle/build.js";
import type { BuildSummary } from "../bundle/assemble.js";
import { bundleError } from "../bundle/errors.js";
import { checkFormat, emit, errorResult, type CliResult } from "./verify.js";

export interface BuildCliOptions {
  target?: string;
  entrypoint?: string[];
  data?: string[];
  output?: string;
  bundle?: string;
  revision?: string;
  format?: string;
  includeTests?: boolean;
  cwd?: string;
}

export function formatBuildSummary(s: BuildSummary, output: string): string {
  const lines = [
    `wrote ${output} (${s.bundleBytes} bytes, sha256 ${s.sha256})`,
    `revision:    ${s.revision || "(none)"}`,
    `roots:       ${s.roots.map((r) => (r === "" ? '""' : r)).join(", ")}`,
    `entrypoints: ${s.entrypoints.join(", ")}`,
    `host built-ins: ${s.builtins.length ? s.builtins.join(", ") : "(none)"}`,
    `policy.wasm: ${s.wasmBytes} bytes; ${s.files.length} files`,
  ];
  return lines.join("\n") + "\n";
}

/** Compile errors are a list; print them all, each as `file:row:col: code: message`. */
function compileErrorResult(err: RegentErrors, format?: string): CliResult {
  if (format === "json") return { code: 1, stdout: JSON.stringify({ errors: err.errors.map((e) => e.toJSON()) }, null, 2) + "\n", stderr: "" };
  const n = err.errors.length;
  return { code: 1, stdout: "", stderr: `${n} error${n === 1 ? "" : "s"} occurred:\n${err.errors.map((e) => e.toString()).join("\n")}\n` };
}

export async function runBuild(paths: string[], options: BuildCliOptions): Promise<CliResult> {
  try {
    checkFormat(options.format);
    if (options.target !== undefined && options.target !== "wasm") {
      throw bundleError("usage", `-t ${options.target} is not supported; regent builds wasm bundles (-t wasm)`);
    }
    if (paths.length === 0 && !options.bundle) throw bundleError("usage", "give policy paths and/or --bundle <dir>");
    const output = options.output ?? "bundle.tar.gz";
    const result = await buildBundle({
      paths,
      bundle: options.bundle,
      entrypoints: options.entrypoint,
      data: options.data,
      revision: options.revision,
      includeTests: options.includeTests,
      cwd: options.cwd,
    });
    try {
      await writeFile(output, result.bytes);
    } catch (err) {
      throw bundleError("io", `cannot write ${output}: ${(err as Error).message}`);
    }
    const stdout = options.format === "json" ? JSON.stringify({ output, ...result.summary }, null, 2) + "\n" : formatBuildSummary(result.summary, output);
    return { code: 0, stdout, stderr: "" };
  } catch (err) {
    if (err instanceof RegentErrors) return compileErrorResult(err, options.format);
    return errorResult(err, options.format);
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(program: Command): void {
  program
    .command("build")
    .description("compile policies to wasm and write a reproducible OPA-format bundle")
    .argument("[paths...]", "policy files or folders")
    .option("-t, --target <target>", "build target (only wasm)", "wasm")
    .option("-e, --entrypoint <pkg/rule>", "entrypoint, repeatable (METADATA entrypoint: true adds more)", collect)
    .option("-d, --data <path>", "data file or folder, repeatable", collect)
    .option("-o, --output <file>", "output archive", "bundle.tar.gz")
    .option("-b, --bundle <dir>", "bundle definition folder (bundle.yaml with roots, entrypoints, metadata; data beside it)")
    .option("--revision <rev>", "bundle revision (default: bundle.yaml, else git describe --always --dirty)")
    .option("--include-tests", "also ship *_test.rego files")
    .option("--format <format>", "text or json", "text")
    .action(async (paths: string[], opts: BuildCliOptions) => {
      emit(await runBuild(paths, opts));
    });
}
