/**
 * The `regent` command line: wires one module per verb into commander. Each verb lives in
 * its own file under src/cli/ and exports `register(program)`.
 */
import { Command } from "commander";
import { register as registerCheck } from "./check.js";
import { register as registerParse } from "./parse.js";

const VERBS = [registerCheck, registerParse];

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name("regent")
    .description("Policy-as-code engine and ext_authz sidecar for AI applications")
    .version(VERSION, "--version")
    .showHelpAfterError()
    .enablePositionalOptions();
  for (const register of VERBS) register(program);
  await program.parseAsync(argv);
}

const VERSION = "0.1.0";
