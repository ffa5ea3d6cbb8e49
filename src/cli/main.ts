/**
 * The `regent` command line: wires one module per verb into commander. Each verb lives in
 * its own file under src/cli/ and exports `register(program)`; only the verb that runs is loaded.
 */
import { Command } from "commander";
/**
 * Each verb's module, loaded only when that verb runs: `regent serve` (and every cluster worker)
 * must not load the compiler, binaryen or the tester, and `regent --version` loads nothing.
 */
const VERBS: Record<string, () => Promise<{ register(program: Command): void }>> = {
  check: () => import("./check.js"),
  parse: () => import("./parse.js"),
  serve: () => import("./serve.js"),
  sign: () => import("./sign.js"),
  verify: () => import("./verify.js"),
  inspect: () => import("./inspect.js"),
  build: () => import("./build.js"),
  test: () => import("./test.js"),
  eval: () => import("./eval.js"),
  push: () => import("./push.js"),
  pull: () => import("./pull.js"),
};

/** The verbs to register: the one named on the command line, none for --version, else all (help, typos). */
function verbsFor(argv: string[]): string[] {
  const first = argv[2];
  if (first === "--version" || first === "-V") return [];
  if (first !== undefined && Object.hasOwn(VERBS, first)) return [first];
  return Object.keys(VERBS);
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name("regent")
    .description("Policy-as-code engine and ext_authz sidecar for AI applications")
    .version(VERSION, "--version")
    .showHelpAfterError()
    .enablePositionalOptions();
  for (const verb of verbsFor(argv)) (await VERBS[verb]!()).register(program);
  await program.parseAsync(argv);
}

const VERSION = "0.1.0";
