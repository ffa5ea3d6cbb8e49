/**
 * `regent parse [--format pretty|json] <file>`: prints a module's AST, for debugging the
 * front end. JSON is the AST exactly as the compiler receives it, locations included.
 */
import type { Command } from "commander";
import { formatWithSource, RegentError } from "../errors.js";
import { parseModule, prettyModule } from "../rego/index.js";
import { checkFormatOption, type CliResult } from "./check.js";
import { readUtf8File } from "./files.js";

export interface ParseOptions {
  format?: string;
}

export async function runParse(file: string, opts: ParseOptions = {}): Promise<CliResult> {
  let format: string;
  let source: string;
  try {
    format = checkFormatOption(opts.format, ["pretty", "json"]);
    source = await readUtf8File(file);
  } catch (err) {
    if (!(err instanceof RegentError)) throw err;
    return { code: err.code === "cli_usage_error" ? 2 : 1, stdout: "", stderr: `${err.toString()}\n` };
  }
  const { module, errors } = parseModule(source, file);
  if (!module) {
    return { code: 1, stdout: "", stderr: errors.map((e) => formatWithSource(e, source)).join("\n") + "\n" };
  }
  const stdout = format === "json" ? JSON.stringify(module, null, 2) + "\n" : prettyModule(module);
  return { code: 0, stdout, stderr: "" };
}

export function register(program: Command): void {
  program
    .command("parse")
    .description("parse one .rego file and print its AST")
    .argument("<file>", "a .rego file")
    .option("--format <format>", "output format: pretty or json", "pretty")
    .action(async (file: string, opts: ParseOptions) => {
      const r = await runParse(file, opts);
      if (r.stdout) process.stdout.write(r.stdout);
      if (r.stderr) process.stderr.write(r.stderr);
      process.exitCode = r.code;
    });
}
