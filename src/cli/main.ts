/**
 * The `regent` command line: wires one module per verb into commander. Each verb lives in
 * its own file under src/cli/ and exports `register(program)`.
 */
import { Command } from "commander";
import { register as registerCheck } from "./check.js";
import { register as registerParse } from "./parse.js";
import { register as registerServe } from "./serve.js";
import { register as registerSign } from "./sign.js";
import { register as registerVerify } from "./verify.js";
import { register as registerInspect } from "./inspect.js";
import { register as registerBuild } from "./build.js";
import { register as registerTest } from "./test.js";
import { register as registerEval } from "./eval.js";
import { register as registerPush } from "./push.js";
import { register as registerPull } from "./pull.js";

const VERBS = [registerCheck, registerParse, registerServe, registerSign, registerVerify, registerInspect, registerBuild, registerTest, registerEval, registerPush, registerPull];

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
