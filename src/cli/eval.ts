/**
 * `regent eval [-d <paths>...] [-i input.json] [--format json|pretty] <query>`: compiles the
 * policies and the query to wasm, runs it through the same loader as production, and prints the
 * result set in the shape `opa eval` prints.
 */
import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { compile } from "../compiler/index.js";
import { EXPRESSION_VALUES, queryModule, refQueryEntrypoint } from "../compiler/query.js";
import { loadPolicy } from "../evaluator/index.js";
import { collectData, collectPath, type Collected } from "../bundle/build.js";
import { dataPathOf, insertData, parseDataFile, type DataObject } from "../bundle/data.js";
import { formatWithSource, RegentError, RegentErrors } from "../errors.js";
import { parseQuery } from "../rego/index.js";
import { checkFormatOption, type CliResult } from "./check.js";
import { cliError } from "./errors.js";

export interface EvalOptions {
  data?: string[];
  input?: string;
  format?: string;
}

interface Expression {
  value: unknown;
  text: string;
  location: { row: number; col: number };
}

export async function runEval(query: string, opts: EvalOptions, cwd = process.cwd()): Promise<CliResult> {
  try {
    const format = checkFormatOption(opts.format, ["json", "pretty"]);
    const collected: Collected = { modules: [], data: [] };
    for (const d of opts.data ?? []) {
      if (/\.(json|ya?ml)$/.test(d)) await collectData(d, cwd, collected);
      else await collectPath(d, cwd, collected, true, false);
    }
    const data: DataObject = {};
    for (const f of collected.data) insertData(data, dataPathOf(f.path), parseDataFile(f.origin, f.bytes), f.origin);
    const input = opts.input === undefined ? undefined : await readInput(opts.input, cwd);

    const body = parseQuery(query, "query");
    const refEntrypoint = refQueryEntrypoint(query);
    const modules = [...collected.modules];
    let entrypoint: string;
    let captured: boolean[] = [];
    if (refEntrypoint !== null) entrypoint = refEntrypoint;
    else {
      const q = queryModule(query);
      modules.push({ path: "query.rego", source: q.source });
      entrypoint = q.entrypoint;
      captured = q.captured;
    }
    const { wasm } = await compile({ modules, entrypoints: [entrypoint], annotatedEntrypoints: false });
    const policy = await loadPolicy(wasm);
    policy.setData(data);
    const rs = policy.evaluate(input, entrypoint);

    const exprs = body.map((e) => ({ text: query.slice(e.loc.offset, e.loc.end), location: { row: e.loc.row, col: e.loc.col } }));
    let result: { expressions: Expression[]; bindings?: Record<string, unknown> }[];
    if (refEntrypoint !== null) {
      result = rs.map((r) => ({ expressions: [{ value: r.result, ...exprs[0]! }] }));
    } else {
      const solutions = rs.length > 0 ? (rs[0]!.result as Record<string, unknown>[]) : [];
      result = solutions.map((solution) => {
        const { [EXPRESSION_VALUES]: values, ...b } = solution;
        const own = [...(values as unknown[])];
        return {
          // As `opa eval`: an expression with a value of its own shows it; a test that held shows true.
          expressions: exprs.map((x, i) => ({ value: captured[i] ? own.shift() : true, ...x })),
          ...(Object.keys(b).length > 0 ? { bindings: b } : {}),
        };
      });
    }
    if (format === "json") {
      return { code: 0, stdout: JSON.stringify(result.length > 0 ? { result } : {}, null, 2) + "\n", stderr: "" };
    }
    if (result.length === 0) return { code: 0, stdout: "undefined\n", stderr: "" };
    const lines = result.map((r) => JSON.stringify(r.bindings ?? (r.expressions.length === 1 ? r.expressions[0]!.value : r.expressions.map((e) => e.value)), null, 2));
    return { code: 0, stdout: lines.join("\n") + "\n", stderr: "" };
  } catch (err) {
    return { code: err instanceof RegentErrors || err instanceof RegentError ? 1 : 2, stdout: "", stderr: describe(err, query) };
  }
}

async function readInput(path: string, cwd: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.startsWith("/") ? path : `${cwd}/${path}`, "utf8");
  } catch (e) {
    throw cliError("file", `${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw cliError("file", `${path}: not a JSON document: ${(e as Error).message}`);
  }
}

function describe(err: unknown, query: string): string {
  if (err instanceof RegentErrors) {
    return err.errors.map((e) => formatWithSource(e, e.location?.file === "query" ? query : undefined)).join("\n") + "\n";
  }
  if (err instanceof RegentError) return err.toString() + "\n";
  return `${(err as Error)?.stack ?? String(err)}\n`;
}

export function register(program: Command): void {
  program
    .command("eval")
    .description("compile a query (e.g. data.envoy.authz.allow) with the given policies and data, run it through wasm, print the result set")
    .argument("<query>", "a query such as data.a.b.c, or Rego expressions such as data.a.p = x")
    .option("-d, --data <path>", "policy (.rego) or data (.json, .yaml) file or folder; repeatable", collect, [])
    .option("-i, --input <file>", "input document (JSON)")
    .option("--format <format>", "output format: json or pretty", "json")
    .action(async (query: string, opts: EvalOptions) => {
      const r = await runEval(query, opts);
      if (r.stdout) process.stdout.write(r.stdout);
      if (r.stderr) process.stderr.write(r.stderr);
      process.exitCode = r.code;
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}


