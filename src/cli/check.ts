/**
 * `regent check <paths...>`: parses and compiles every `.rego` file under the paths and prints
 * every error (with the offending line and a caret, or as JSON). Exit code 1 on any error, else 0.
 */
import type { Command } from "commander";
import { formatWithSource, RegentError } from "../errors.js";
import { cliError } from "./errors.js";
import { checkModules } from "../compiler/plan.js";
import { loadModules } from "./files.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CheckOptions {
  format?: string;
}

export function checkFormatOption(format: string | undefined, allowed: string[]): string {
  const f = format ?? allowed[0];
  if (!allowed.includes(f)) throw cliError("usage", `--format must be one of ${allowed.join(", ")}, not "${f}"`);
  return f;
}

/** Runs the check and returns what to print; pure apart from reading the files. */
export async function runCheck(paths: string[], opts: CheckOptions = {}): Promise<CliResult> {
  let format: string;
  try {
    format = checkFormatOption(opts.format, ["text", "json"]);
  } catch (err) {
    return { code: 2, stdout: "", stderr: `${(err as RegentError).toString()}\n` };
  }
  const { files, modules, errors } = await loadModules(paths);
  // Files that parse are compiled too (every stage up to planning, no wasm): unsafe variables,
  // unknown functions, arities and the other compile errors fail the check, as in `opa check`.
  if (errors.length === 0) errors.push(...checkModules(modules));
  if (format === "json") {
    const out = { files: files.length, errors: errors.map((e) => e.toJSON()) };
    return { code: errors.length ? 1 : 0, stdout: JSON.stringify(out, null, 2) + "\n", stderr: "" };
  }
  if (errors.length === 0) {
    const n = files.length;
    return { code: 0, stdout: `${n} file${n === 1 ? "" : "s"} checked, no errors\n`, stderr: "" };
  }
  const sources = new Map(files.map((f) => [f.path, f.source]));
  const lines = errors.map((e) => formatWithSource(e, e.location ? sources.get(e.location.file) : undefined));
  const summary = `${errors.length} error${errors.length === 1 ? "" : "s"} in ${files.length} file${files.length === 1 ? "" : "s"} checked`;
  return { code: 1, stdout: "", stderr: `${lines.join("\n")}\n${summary}\n` };
}

export function register(program: Command): void {
  program
    .command("check")
    .description("parse and compile every .rego file under the given paths (folders are searched recursively) and report all errors")
    .argument("<paths...>", "files or folders")
    .option("--format <format>", "output format: text or json", "text")
    .action(async (paths: string[], opts: CheckOptions) => {
      const r = await runCheck(paths, opts);
      if (r.stdout) process.stdout.write(r.stdout);
      if (r.stderr) process.stderr.write(r.stderr);
      process.exitCode = r.code;
    });
}
