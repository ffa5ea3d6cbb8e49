/**
 * Locates and reads the prebuilt runtime (build/runtime.wasm, made by `npm run build:runtime`).
 * Cached per file modification time so a rebuilt runtime is picked up by long-lived processes.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { wasmError } from "./errors.js";

let cached: { path: string; mtimeMs: number; bytes: Uint8Array } | undefined;

/** The runtime's path: $REGENT_RUNTIME_WASM, else build/runtime.wasm in the package root. */
export function runtimePath(): string {
  if (process.env.REGENT_RUNTIME_WASM) return resolve(process.env.REGENT_RUNTIME_WASM);
  // Walk up from this file (src/… or dist/src/…) to the folder holding package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "build", "runtime.wasm");
    try {
      statSync(join(dir, "package.json"));
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  return join(process.cwd(), "build", "runtime.wasm");
}

export function readRuntime(): Uint8Array {
  const path = runtimePath();
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    throw wasmError("runtime", `the wasm runtime ${path} is missing: run \`npm run build:runtime\``);
  }
  if (!cached || cached.path !== path || cached.mtimeMs !== mtimeMs) {
    cached = { path, mtimeMs, bytes: new Uint8Array(readFileSync(path)) };
  }
  return cached.bytes;
}
