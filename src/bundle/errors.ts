/**
 * The error codes of the bundle toolchain (read, write, build, sign, verify). Every code is
 * documented in docs/errors.md; `bundleError` keeps call sites short.
 */
import { RegentError, type ErrorLocation } from "../errors.js";

export const BUNDLE_ERROR_CODES = {
  /** The archive or folder is not a well-formed bundle (gzip, tar, manifest, wasm, data). */
  format: "bundle_format_error",
  /** A size or count limit was exceeded while reading (gzip bombs, huge manifests). */
  limit: "bundle_limit_error",
  /** A tar entry's path is unsafe: `..`, absolute, drive letter, link, duplicate. */
  path: "bundle_path_error",
  /** A policy, data file or entrypoint lies outside the manifest roots. */
  roots: "bundle_roots_error",
  /** The signature is missing, invalid, or does not cover the files. */
  signature: "bundle_signature_error",
  /** A signing or verification key cannot be read or does not fit the algorithm. */
  key: "bundle_key_error",
  /** `buildBundle` could not build: bad bundle.yaml, missing inputs, compile failure. */
  build: "bundle_build_error",
  /** A bundle source (file or folder) cannot be read or written. */
  io: "bundle_io_error",
  /** A bundle CLI verb was called with bad options. */
  usage: "bundle_usage_error",
  /** An OCI registry answered badly: an error status, a malformed manifest, a wrong media type, an oversized response. */
  oci: "bundle_oci_error",
  /** Content from a registry does not match its digest (manifest or blob). */
  digest: "bundle_digest_error",
  /** A registry refused the credentials, or its token service could not be used. */
  auth: "bundle_auth_error",
  /** A delta bundle (OPA's patch.json) is malformed or cannot be applied to the active bundle. */
  delta: "bundle_delta_error",
} as const;

export type BundleErrorKind = keyof typeof BUNDLE_ERROR_CODES;

export function bundleError(kind: BundleErrorKind, message: string, location?: ErrorLocation): RegentError {
  return new RegentError(BUNDLE_ERROR_CODES[kind], message, location);
}
