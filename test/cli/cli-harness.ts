/**
 * Runs one CLI verb in a real child process (node + tsx), wired through commander exactly
 * as src/cli/main.ts wires it, and returns its exit code and output.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = resolve(import.meta.dirname, "../..");
// Resolved here so that the child can run in any folder (tsx is not findable from a temp dir).
const req = createRequire(import.meta.url);
const TSX = pathToFileURL(req.resolve("tsx")).href;
const COMMANDER = pathToFileURL(req.resolve("commander")).href;

export function runVerbProcess(verbFile: string, args: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const script = `
    import { Command } from ${JSON.stringify(COMMANDER)};
    import { register } from ${JSON.stringify(pathToFileURL(resolve(ROOT, "src/cli", verbFile)).href)};
    const program = new Command().name("regent").enablePositionalOptions();
    register(program);
    await program.parseAsync(process.argv.slice(1), { from: "user" });
  `;
  const r = spawnSync(process.execPath, ["--import", TSX, "--input-type=module", "-e", script, "--", ...args], { cwd, encoding: "utf8", timeout: 170_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
