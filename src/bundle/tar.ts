/**
 * The .tar.gz layer of bundles: a hardened reader (gzip bombs, truncation, unsafe paths,
 * links, duplicates, size limits) and a reproducible writer (sorted entries, mtime 0,
 * owner 0, mode 0644, a fixed gzip header), both over in-memory bytes.
 */
import { promisify } from "node:util";
import { gunzip, gzip, constants as zlibConstants } from "node:zlib";
import * as tar from "tar-stream";
import { compareUtf8 } from "./canonical-json.js";
import { bundleError } from "./errors.js";

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

export interface ReadLimits {
  /** The whole uncompressed tar (stops gzip bombs). */
  maxTotalBytes: number;
  /** Any single file. */
  maxFileBytes: number;
  /** The `.manifest` file. */
  maxManifestBytes: number;
  /** Number of entries. */
  maxEntries: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxTotalBytes: 512 * 1024 * 1024,
  maxFileBytes: 256 * 1024 * 1024,
  maxManifestBytes: 1024 * 1024,
  maxEntries: 100_000,
};

/**
 * Turns a tar entry name into a bundle path (no leading "/"), or throws. One leading "/" is
 * allowed because OPA itself writes bundle entries as "/data.json": it means the bundle root.
 */
export function bundlePath(name: string): string {
  const bad = (why: string): never => {
    throw bundleError("path", `tar entry ${JSON.stringify(name)}: ${why}`);
  };
  if (name.includes("\0")) bad("contains a NUL byte");
  if (name.includes("\\")) bad("contains a backslash; bundle paths use '/'");
  if (/^[A-Za-z]:/.test(name)) bad("is an absolute Windows path");
  if (name.startsWith("//")) bad("is an absolute path");
  let rest = name.startsWith("/") ? name.slice(1) : name;
  while (rest.startsWith("./")) rest = rest.slice(2);
  if (rest.endsWith("/")) rest = rest.slice(0, -1);
  const parts = rest.split("/");
  if (rest === "" || parts.some((p) => p === "")) bad("has an empty path segment");
  if (parts.includes("..")) bad("contains '..' and would escape the bundle");
  return parts.filter((p) => p !== ".").join("/");
}

/** Decompresses a gzip stream, refusing more than `maxBytes` of output. */
export async function gunzipLimited(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw bundleError("format", "not a gzip archive (a bundle is a .tar.gz file or a folder)");
  }
  try {
    return await gunzipAsync(bytes, { maxOutputLength: maxBytes + 1 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) {
      throw bundleError("limit", `bundle expands to more than ${maxBytes} bytes; refusing to decompress it`);
    }
    if (e.code === "Z_BUF_ERROR") throw bundleError("format", "gzip data is truncated (unexpected end of file)");
    throw bundleError("format", `gzip data is corrupt: ${e.message}`);
  }
}

/** Reads every regular file of a tar held in memory, applying all the path and size checks. */
export async function readTar(tarBytes: Uint8Array, limits: ReadLimits = DEFAULT_LIMITS): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const extract = tar.extract();
  let count = 0;
  const done = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      if (++count > limits.maxEntries) throw bundleError("limit", `bundle has more than ${limits.maxEntries} entries`);
      if (h.type === "directory") {
        bundlePath(h.name); // a directory named "../x" is as hostile as a file
        entry.resume();
        continue;
      }
      if (h.type === "symlink" || h.type === "link") {
        throw bundleError("path", `tar entry ${JSON.stringify(h.name)} is a ${h.type === "link" ? "hard link" : "symbolic link"}; bundles may only hold regular files`);
      }
      if (h.type !== "file" && h.type !== "contiguous-file") {
        throw bundleError("path", `tar entry ${JSON.stringify(h.name)} has type ${h.type}; bundles may only hold regular files`);
      }
      const path = bundlePath(h.name);
      const size = h.size ?? 0;
      const max = path === ".manifest" ? limits.maxManifestBytes : limits.maxFileBytes;
      if (size > max) throw bundleError("limit", `${path} is ${size} bytes, over the limit of ${max} bytes`);
      if (files.has(path)) throw bundleError("path", `${path} appears twice in the archive`);
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
      files.set(path, new Uint8Array(Buffer.concat(chunks)));
    }
  })();
  extract.end(Buffer.from(tarBytes.buffer, tarBytes.byteOffset, tarBytes.byteLength));
  try {
    await done;
  } catch (err) {
    extract.destroy();
    if (err instanceof Error && err.name === "RegentError") throw err;
    throw bundleError("format", `tar data is corrupt: ${(err as Error).message}`);
  }
  return files;
}

/** Reads a bundle archive: gunzip with limits, then tar. */
export async function readTarGz(bytes: Uint8Array, limits: ReadLimits = DEFAULT_LIMITS): Promise<Map<string, Uint8Array>> {
  return readTar(await gunzipLimited(bytes, limits.maxTotalBytes), limits);
}

const FIXED_MTIME = new Date(0);
/** Byte 9 of the gzip header; 255 ("unknown") is what Go's gzip writer puts there, so the host OS never leaks in. */
const GZIP_OS_UNKNOWN = 0xff;

/** Writes files as a byte-reproducible .tar.gz: the same map always gives the same bytes. */
export async function writeTarGz(files: Map<string, Uint8Array>): Promise<Uint8Array> {
  const names = [...files.keys()].sort(compareUtf8);
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const name of names) {
    const data = Buffer.from(files.get(name)!);
    await new Promise<void>((resolve, reject) => {
      pack.entry(
        { name, size: data.length, mode: 0o644, mtime: FIXED_MTIME, uid: 0, gid: 0, uname: "", gname: "", type: "file" },
        data,
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }
  pack.finalize();
  await collected;
  const gz = await gzipAsync(Buffer.concat(chunks), { level: 9, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
  // zlib already writes no name and mtime 0; only the OS byte depends on the build of zlib.
  gz[9] = GZIP_OS_UNKNOWN;
  return new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength);
}
