/**
 * Finding and reading policy files for the CLI verbs: walks folders for `.rego` files, reads
 * files as strict UTF-8 (pointing at the first bad byte), and parses them, collecting every
 * error rather than stopping at the first. The only file I/O of the Rego front end lives here.
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Module } from "../rego/ast.js";
import { parseModule } from "../rego/index.js";
import { RegentError } from "../errors.js";
import { cliError } from "./errors.js";

function describeFsError(path: string, err: unknown): RegentError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === "ENOENT" ? "no such file or directory"
    : code === "EACCES" || code === "EPERM" ? "permission denied"
      : code === "ENOTDIR" ? "not a directory"
        : code === "EISDIR" ? "is a directory"
          : err instanceof Error ? err.message : String(err);
  return cliError("file", `${path}: ${reason}`);
}

/**
 * The `.rego` files under `paths`: folders are walked recursively (in name order), files named
 * explicitly are taken whatever their extension. Throws a `cli_file_error` for a missing path.
 */
export async function findRegoFiles(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  const seenDirs = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seenDirs.has(real)) return; // a symlink loop
    seenDirs.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw describeFsError(dir, err);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory() || (e.isSymbolicLink() && (await stat(p).catch(() => null))?.isDirectory())) await walk(p);
      else if (e.name.endsWith(".rego") && (e.isFile() || e.isSymbolicLink())) found.push(p);
    }
  };
  for (const path of paths) {
    let st;
    try {
      st = await stat(path);
    } catch (err) {
      throw describeFsError(path, err);
    }
    if (st.isDirectory()) await walk(path);
    else if (st.isFile()) found.push(path);
    else throw cliError("file", `${path}: not a regular file or directory`);
  }
  return [...new Set(found)];
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let n: number;
    let min: number;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { n = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { n = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { n = 3; min = 0x10000; }
    else return i;
    if (i + n >= bytes.length) return i; // truncated sequence
    let cp = b & (0xff >> (n + 2));
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** Reads a file as strict UTF-8; a bad byte is a `cli_encoding_error` at its row and column. */
export async function readUtf8File(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw describeFsError(path, err);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, at));
    const lines = before.split("\n");
    const row = lines.length;
    const col = lines[lines.length - 1].length + 1;
    const hex = bytes[at]?.toString(16).padStart(2, "0") ?? "??";
    throw cliError("encoding", `file is not valid UTF-8 (byte 0x${hex} at offset ${at})`, { file: path, row, col });
  }
}

export interface LoadedModule {
  path: string;
  source: string;
  /** Null when the file has errors. */
  module: Module | null;
  errors: RegentError[];
}

export interface LoadResult {
  /** Every file found, in order, parsed or not. */
  files: LoadedModule[];
  /** The parsed modules of the files without errors. */
  modules: Module[];
  /** All errors: finding, reading, decoding and parsing. */
  errors: RegentError[];
}

/** Finds, reads and parses the `.rego` files under `paths`, collecting every error. */
export async function loadModules(paths: string[]): Promise<LoadResult> {
  const result: LoadResult = { files: [], modules: [], errors: [] };
  const found: string[] = [];
  for (const p of paths) {
    try {
      found.push(...(await findRegoFiles([p])));
    } catch (err) {
      if (!(err instanceof RegentError)) throw err;
      result.errors.push(err);
    }
  }
  for (const path of [...new Set(found)]) {
    let source: string;
    try {
      source = await readUtf8File(path);
    } catch (err) {
      if (!(err instanceof RegentError)) throw err;
      result.errors.push(err);
      result.files.push({ path, source: "", module: null, errors: [err] });
      continue;
    }
    const { module, errors } = parseModule(source, path);
    result.files.push({ path, source, module, errors });
    result.errors.push(...errors);
    if (module) result.modules.push(module);
  }
  return result;
}
