/**
 * The bundle toolchain's file-system edge: reading a bundle from bytes, a .tar.gz path or a
 * folder, and extracting one into a folder without ever writing outside it.
 */
import { lstat, mkdir, readdir, readFile, realpath, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parseBundleFiles, type Bundle } from "./bundle.js";
import { bundleError } from "./errors.js";
import { bundlePath, DEFAULT_LIMITS, readTarGz, type ReadLimits } from "./tar.js";

export interface ReadOptions {
  limits?: Partial<ReadLimits>;
}

/** Reads a folder's regular files as bundle paths; symbolic links are refused, not followed. */
export async function readBundleDir(dir: string, limits: ReadLimits = DEFAULT_LIMITS): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  let total = 0;
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = await readdir(abs, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const childAbs = join(abs, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) throw bundleError("path", `${childRel} is a symbolic link; bundle folders may only hold regular files`);
      if (e.isDirectory()) {
        await walk(childAbs, childRel);
      } else if (e.isFile()) {
        const path = bundlePath(childRel);
        const size = (await lstat(childAbs)).size;
        const max = path === ".manifest" ? limits.maxManifestBytes : limits.maxFileBytes;
        if (size > max) throw bundleError("limit", `${path} is ${size} bytes, over the limit of ${max} bytes`);
        total += size;
        if (total > limits.maxTotalBytes) throw bundleError("limit", `bundle folder holds more than ${limits.maxTotalBytes} bytes`);
        if (files.size >= limits.maxEntries) throw bundleError("limit", `bundle has more than ${limits.maxEntries} files`);
        files.set(path, new Uint8Array(await readFile(childAbs)));
      } else {
        throw bundleError("path", `${childRel} is not a regular file`);
      }
    }
  };
  await walk(dir, "");
  return files;
}

/** Reads the raw files of a bundle: bytes of a .tar.gz, a path to one, or a bundle folder. */
export async function readBundleFiles(source: Uint8Array | string, options: ReadOptions = {}): Promise<Map<string, Uint8Array>> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  if (typeof source !== "string") return readTarGz(source, limits);
  let info;
  try {
    info = await stat(source);
  } catch (err) {
    throw bundleError("io", `cannot read bundle ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (info.isDirectory()) return readBundleDir(source, limits);
  const compressedMax = limits.maxTotalBytes;
  if (info.size > compressedMax) throw bundleError("limit", `${source} is ${info.size} bytes, over the limit of ${compressedMax} bytes`);
  return readTarGz(new Uint8Array(await readFile(source)), limits);
}

/** Reads and validates a bundle from a .tar.gz (bytes or path) or a folder. */
export async function readBundle(source: Uint8Array | string, options: ReadOptions = {}): Promise<Bundle> {
  return parseBundleFiles(await readBundleFiles(source, options));
}

/**
 * Writes files under `dir`. Each path is re-checked, and the real path of each parent folder
 * must stay inside `dir`, so neither `..` nor a symlink planted in `dir` can redirect a write.
 */
export async function writeFilesToDir(files: Map<string, Uint8Array>, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const root = await realpath(dir);
  for (const [name, bytes] of files) {
    const path = bundlePath(name);
    const target = resolve(root, ...path.split("/"));
    const rel = relative(root, target);
    if (rel.startsWith("..") || rel === "" || resolve(root, rel) !== target) {
      throw bundleError("path", `${name} would be written outside ${dir}`);
    }
    await mkdir(dirname(target), { recursive: true });
    const parent = await realpath(dirname(target));
    if (parent !== root && !parent.startsWith(root + sep)) {
      throw bundleError("path", `${name} would be written outside ${dir} (through a symbolic link)`);
    }
    try {
      if ((await lstat(target)).isSymbolicLink()) throw bundleError("path", `${name}: refusing to write through the symbolic link ${target}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    await writeFile(target, bytes);
  }
}

/** Extracts a bundle archive (bytes or path) into `dir`; the archive is fully validated first. */
export async function extractBundle(source: Uint8Array | string, dir: string, options: ReadOptions = {}): Promise<Bundle> {
  const files = await readBundleFiles(source, options);
  const bundle = parseBundleFiles(files);
  await writeFilesToDir(files, dir);
  return bundle;
}

/** A folder read as one revision, or how long to wait before it can be. */
export type FolderSnapshot = { files: Map<string, Uint8Array> } | { settlingMs: number };

/**
 * Reads a bundle folder only as a consistent revision. Files copied in place arrive one by one,
 * so a read in the middle would pair the manifest of one revision with the data of the previous:
 * the folder must have been still for `settleMs`, and unchanged across the read. The folder's
 * real path is resolved once, so a symbolic link swapped in one rename (Kubernetes' ConfigMap
 * layout, and the way to publish atomically) is read wholly from one side.
 */
export async function readFolderSnapshot(dir: string, limits: ReadLimits, settleMs: number, now = Date.now): Promise<FolderSnapshot> {
  const root = await realpath(dir);
  const before = await folderStamp(root);
  const quietFor = now() - before.newestMs;
  if (quietFor < settleMs) return { settlingMs: settleMs - Math.max(0, quietFor) };
  const files = await readBundleDir(root, limits);
  const after = await folderStamp(root);
  if (after.stamp !== before.stamp) return { settlingMs: settleMs };
  return { files };
}

/** Every entry's path, size, inode and modification time, and the newest of those times. */
async function folderStamp(root: string): Promise<{ stamp: string; newestMs: number }> {
  const parts: string[] = [];
  let newestMs = 0;
  const walk = async (abs: string, rel: string): Promise<void> => {
    const names = (await readdir(abs)).sort();
    for (const name of names) {
      const childAbs = join(abs, name);
      const s = await lstat(childAbs).catch(() => undefined);
      // Removed between the listing and the lstat: the folder is still changing.
      if (!s) {
        parts.push(`${rel}/${name}:gone`);
        newestMs = Number.POSITIVE_INFINITY;
        continue;
      }
      newestMs = Math.max(newestMs, s.mtimeMs, s.ctimeMs);
      parts.push(`${rel}/${name}:${s.size}:${s.ino}:${s.mtimeMs}`);
      if (s.isDirectory()) await walk(childAbs, `${rel}/${name}`);
    }
  };
  const s = await lstat(root);
  newestMs = Math.max(s.mtimeMs, s.ctimeMs);
  await walk(root, "");
  return { stamp: parts.join("\n"), newestMs };
}
