/**
 * The lean entry for `regent serve`: a program with the serve verb only, so a sidecar process
 * never loads the compiler, binaryen or the tester (about 60 MB of RSS it would never use).
 * bin/regent.js routes `serve` here; every other verb goes through main.ts.
 */
import { Command } from "commander";
import { register } from "./serve.js";

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name("regent").showHelpAfterError().enablePositionalOptions();
  register(program);
  await program.parseAsync(argv);
}
