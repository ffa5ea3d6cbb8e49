/**
 * Reads a .tar.gz bundle as a stream, enforcing every limit while the bytes flow: compressed
 * size, expanded size (gzip bombs stop at the limit, not after), number of files and each
 * file's size (refused from the tar header, before its content is read). With an early check,
 * `.signatures.json` is verified as soon as it arrives and any file it does not list is refused
 * at its header, so an unsigned payload is never decompressed into memory.
 */
import { createGunzip } from "node:zlib";
import * as tar from "tar-stream";
import { RegentError } from "../errors.js";
import { SIGNATURES_FILE } from "./bundle.js";
import { bundleError } from "./errors.js";
import { bundlePath } from "./tar.js";

export interface StreamLimits {
  /** The .tar.gz itself (limits.bundle_download_bytes). */
  maxCompressedBytes: number;
  /** Everything gunzip produces (limits.bundle_expanded_bytes). */
  maxExpandedBytes: number;
  /** One file (limits.bundle_file_bytes). */
  maxFileBytes: number;
  /** Entries in the archive (limits.bundle_files). */
  maxFiles: number;
  maxManifestBytes: number;
}

/** Which limit stopped a read; the metric's label and the setting named in the error. */
export type LimitName = "bundle_download_bytes" | "bundle_expanded_bytes" | "bundle_file_bytes" | "bundle_files";

export class BundleLimitError extends RegentError {
  constructor(readonly limit: LimitName, message: string) {
    super(bundleError("limit", message).code, message);
  }
}

export interface StreamReadOptions {
  /**
   * Verifies `.signatures.json` when it arrives and returns the names it signs; throws to refuse
   * the bundle. Files read before it are checked against the names once it is known.
   */
  signedNames?: (signatures: Uint8Array) => Promise<ReadonlySet<string>>;
}

const CHUNK = 64 * 1024;

/** Feeds an in-memory archive through the streaming reader in 64 KiB pieces. */
export async function* chunksOf(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, Math.min(bytes.length, i + CHUNK));
}

export async function readTarGzStream(source: AsyncIterable<Uint8Array>, limits: StreamLimits, options: StreamReadOptions = {}): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const gunzip = createGunzip();
  const extract = tar.extract();
  let failure: unknown;
  // Set when the tar's end-of-archive was read: whatever follows is ignored, not waited for.
  let finished = false;
  // An iterator over a destroyed extractor may never settle; a failure ends the read by itself.
  let onFailed!: () => void;
  const failed = new Promise<void>((r) => (onFailed = r));
  const fail = (err: unknown): void => {
    if (!finished) failure ??= err;
    onFailed();
    gunzip.destroy();
    extract.destroy();
  };
  let signed: ReadonlySet<string> | undefined;
  const checkSigned = (path: string): void => {
    if (signed && path !== SIGNATURES_FILE && !signed.has(path))
      throw bundleError("signature", `${path} is not covered by the bundle's signature; refused before reading it`);
  };

  const entries = (async () => {
    let count = 0;
    for await (const entry of extract) {
      const h = entry.header;
      if (++count > limits.maxFiles) throw new BundleLimitError("bundle_files", `the bundle has more than ${limits.maxFiles} entries (limits.bundle_files)`);
      if (h.type === "directory") {
        bundlePath(h.name);
        entry.resume();
        continue;
      }
      if (h.type !== "file" && h.type !== "contiguous-file") {
        const what = h.type === "symlink" ? "a symbolic link" : h.type === "link" ? "a hard link" : `of type ${h.type}`;
        throw bundleError("path", `tar entry ${JSON.stringify(h.name)} is ${what}; bundles may only hold regular files`);
      }
      const path = bundlePath(h.name);
      const max = path === ".manifest" ? Math.min(limits.maxManifestBytes, limits.maxFileBytes) : limits.maxFileBytes;
      const declared = h.size ?? 0;
      if (declared > max) throw new BundleLimitError("bundle_file_bytes", `${path} is ${declared} bytes, over the limit of ${max} bytes (limits.bundle_file_bytes)`);
      if (files.has(path)) throw bundleError("path", `${path} appears twice in the archive`);
      checkSigned(path);
      // With a signature required, only the small .manifest may come before it (OPA and regent
      // both write it first or second): nothing unsigned is ever decompressed into memory.
      if (options.signedNames && !signed && path !== SIGNATURES_FILE && path !== ".manifest")
        throw bundleError("signature", `${path} comes before .signatures.json; a signed bundle must carry its signatures before the files they cover`);
      // One buffer of the declared size, filled in place: no second copy while the file is joined.
      const bytes = new Uint8Array(declared);
      let size = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        if (size + chunk.length > declared) throw bundleError("format", `${path} holds more bytes than its tar header declares`);
        bytes.set(chunk, size);
        size += chunk.length;
      }
      if (size !== declared) throw bundleError("format", `${path} is truncated`);
      files.set(path, bytes);
      if (path === SIGNATURES_FILE && options.signedNames) {
        signed = await options.signedNames(bytes);
        if (failure) return;
        for (const earlier of files.keys()) checkSigned(earlier);
      }
    }
    finished = true;
    gunzip.destroy();
    extract.destroy();
  })().catch(fail);

  // gunzip → extract, counting what gunzip produces and honouring the extractor's backpressure.
  const expand = (async () => {
    let expanded = 0;
    for await (const out of gunzip as AsyncIterable<Buffer>) {
      expanded += out.length;
      if (expanded > limits.maxExpandedBytes)
        throw new BundleLimitError("bundle_expanded_bytes", `the bundle expands to more than ${limits.maxExpandedBytes} bytes (limits.bundle_expanded_bytes); refusing to decompress it`);
      if (!extract.write(out)) await drained(extract);
      if (failure || finished) return;
    }
    (extract as unknown as { end(): void }).end();
  })().catch((err: unknown) => {
    const e = err as NodeJS.ErrnoException;
    if (err instanceof RegentError) return fail(err);
    if (e?.code === "Z_BUF_ERROR") return fail(bundleError("format", "gzip data is truncated (unexpected end of file)"));
    if (e?.code?.startsWith("Z_") || e?.code === "ERR_STREAM_PREMATURE_CLOSE") return fail(bundleError("format", `gzip data is corrupt: ${e.message}`));
    fail(err);
  });

  let compressed = 0;
  let first = true;
  try {
    for await (const chunk of source) {
      if (failure || finished) break;
      if (first && chunk.length >= 2 && (chunk[0] !== 0x1f || chunk[1] !== 0x8b))
        throw bundleError("format", "not a gzip archive (a bundle is a .tar.gz file or a folder)");
      first = false;
      compressed += chunk.length;
      if (compressed > limits.maxCompressedBytes)
        throw new BundleLimitError("bundle_download_bytes", `the bundle archive is larger than ${limits.maxCompressedBytes} bytes (limits.bundle_download_bytes)`);
      if (!gunzip.write(chunk)) await drained(gunzip);
    }
    if (first && !failure) throw bundleError("format", "not a gzip archive (empty)");
    if (!failure && !finished) gunzip.end();
  } catch (err) {
    fail(err);
  }
  await Promise.race([Promise.all([expand, entries]), failed]);
  if (failure) {
    if (failure instanceof RegentError) throw failure;
    throw bundleError("format", `tar data is corrupt: ${(failure as Error)?.message ?? String(failure)}`);
  }
  return files;
}

/** Waits for a stream to drain, or to close (a failure destroys it): never waits forever. */
function drained(stream: { once(ev: string, f: () => void): unknown; off(ev: string, f: () => void): unknown; destroyed?: boolean }): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.once("drain", done);
    stream.once("close", done);
  });
}
