/**
 * The sidecar's bounded bundle intake: turns the `limits` settings into stream limits, reads an
 * HTTP body or archive bytes through the streaming reader, verifies `.signatures.json` as soon as
 * it arrives when a key is configured, and refuses data nested past limits.max_json_depth.
 */
import { valueTooDeep } from "../limits/json-depth.js";
import { BodyTooLarge, readLimited } from "../limits/read-limited.js";
import { parseBundleFiles, SIGNATURES_FILE, type Bundle } from "./bundle.js";
import { BUNDLE_ERROR_CODES, bundleError } from "./errors.js";
import { BundleLimitError, chunksOf, readTarGzStream, type LimitName, type StreamLimits } from "./stream-read.js";
import { DEFAULT_LIMITS, type ReadLimits } from "./tar.js";
import { verifyBundle, type VerifyOptions } from "./verify.js";

export interface BundleLimits {
  downloadBytes: number;
  expandedBytes: number;
  fileBytes: number;
  files: number;
  maxJsonDepth: number;
}

export function streamLimits(l: BundleLimits): StreamLimits {
  return { maxCompressedBytes: l.downloadBytes, maxExpandedBytes: l.expandedBytes, maxFileBytes: l.fileBytes, maxFiles: l.files, maxManifestBytes: DEFAULT_LIMITS.maxManifestBytes };
}

/** The same limits in the form the folder reader takes. */
export function folderLimits(l: BundleLimits): ReadLimits {
  return { maxTotalBytes: l.expandedBytes, maxFileBytes: l.fileBytes, maxManifestBytes: DEFAULT_LIMITS.maxManifestBytes, maxEntries: l.files };
}

/** An HTTP bundle body: refused on its Content-Length, cut off while streaming past the limit. */
export async function readBundleBody(res: Response, l: BundleLimits): Promise<Uint8Array> {
  try {
    return await readLimited(res, l.downloadBytes);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new BundleLimitError("bundle_download_bytes", `${err.message} (limits.bundle_download_bytes)`);
    throw err;
  }
}

/**
 * The early check: verifies the signature alone and returns the names it signs. Every file's
 * digest is still checked afterwards by verifyBundle, on bytes that stayed within the limits.
 */
export function signatureNames(options: VerifyOptions): (signatures: Uint8Array) => Promise<ReadonlySet<string>> {
  return async (bytes) => {
    const report = await verifyBundle(parseBundleFiles(new Map([[SIGNATURES_FILE, bytes]])), options);
    const removedOnly = (p: string): boolean => p.endsWith(": removed (signed but missing from the bundle)");
    const problems = report.problems.filter((p) => !removedOnly(p));
    if (problems.length) throw bundleError("signature", `bundle verification failed: ${problems.join("; ")}`);
    return new Set(report.removed);
  };
}

/** Reads archive bytes (already within the download limit) into a checked bundle. */
export async function readBundleLimited(bytes: Uint8Array, l: BundleLimits, verify?: VerifyOptions): Promise<Bundle> {
  const files = await readTarGzStream(chunksOf(bytes), streamLimits(l), { signedNames: verify ? signatureNames(verify) : undefined });
  return checkedBundle(files, l);
}

/** Validates the files and refuses data nested deeper than the input parser will take. */
export function checkedBundle(files: Map<string, Uint8Array>, l: BundleLimits): Bundle {
  const bundle = parseBundleFiles(files);
  if (valueTooDeep(bundle.data, l.maxJsonDepth)) throw bundleError("limit", `the bundle's data nests deeper than ${l.maxJsonDepth} levels (limits.max_json_depth)`);
  return bundle;
}

/**
 * The limit that refused a bundle, for the metric; undefined for other refusals. A folder's
 * limits (read by the folder reader) are reported as "bundle_folder".
 */
export function limitOf(err: unknown): LimitName | "max_json_depth" | "bundle_folder" | undefined {
  if (err instanceof BundleLimitError) return err.limit;
  if (err instanceof Error && /\(limits\.max_json_depth\)$/.test(err.message)) return "max_json_depth";
  if (err instanceof Error && (err as { code?: string }).code === BUNDLE_ERROR_CODES.limit) return "bundle_folder";
  return undefined;
}

export { BundleLimitError };
