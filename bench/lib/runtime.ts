/**
 * Makes sure the compiler's prebuilt wasm runtime (build/runtime.wasm) exists before anything is
 * compiled, so `npm run bench` works on a fresh clone after `npm ci` alone; warns when it is stale.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { repoPath } from "./pieces.js";

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Returns a note for the log, or undefined when nothing had to be done (or cannot be). */
export function ensureRuntime(): string | undefined {
  const src = repoPath("src/wasm-runtime");
  const out = repoPath("build/runtime.wasm");
  const script = repoPath("scripts/build-runtime.mjs");
  if (!existsSync(src) || !existsSync(script)) return undefined;
  if (existsSync(out)) {
    // Rebuilding a shared artifact behind other people's backs is not the bench's call: say so instead.
    return statSync(out).mtimeMs >= newestSource(src) ? undefined : "build/runtime.wasm is older than src/wasm-runtime; run npm run build:runtime to measure the current runtime";
  }
  try {
    execFileSync(process.execPath, [script], { cwd: repoPath("."), stdio: "ignore", timeout: 300_000 });
    return "built the wasm runtime (build/runtime.wasm was missing)";
  } catch (err) {
    // The compile scenarios then report the compiler's own error as their skip reason.
    return `could not build the wasm runtime: ${(err as Error).message.split("\n")[0]}`;
  }
}
