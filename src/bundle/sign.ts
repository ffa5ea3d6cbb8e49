/**
 * Signs a bundle in OPA's format: one compact JWS whose payload lists every file with its
 * canonical SHA-256 digest (`{files: [{name, hash, algorithm}], keyid?, scope?, ...claims}`).
 */
import { CompactSign } from "jose";
import type { KeyObject } from "node:crypto";
import { compareUtf8 } from "./canonical-json.js";
import type { Bundle } from "./bundle.js";
import { SIGNATURES_FILE } from "./bundle.js";
import { bundleError } from "./errors.js";
import { DEFAULT_HASH_ALGORITHM, hashFile } from "./hash.js";
import { loadSigningKey } from "./keys.js";

export interface SignOptions {
  /** PEM private key (RS/PS/ES) or a ready KeyObject. */
  key?: string | Uint8Array | KeyObject;
  /** The shared secret for HS algorithms, given explicitly as one (never inferred from `key`). */
  secret?: string | Uint8Array;
  alg: string;
  keyId?: string;
  scope?: string;
  /** Extra payload claims, as OPA's --claims-file (e.g. iss, iat); `files` cannot be overridden. */
  claims?: Record<string, unknown>;
}

export interface SignedFile {
  name: string;
  hash: string;
  algorithm: string;
}

/** The `files` list of a signature: every bundle file, sorted, with OPA's hash. */
export function signedFiles(bundle: Bundle): SignedFile[] {
  return [...bundle.files.keys()]
    .filter((name) => name !== SIGNATURES_FILE)
    .sort(compareUtf8)
    .map((name) => ({ name, hash: hashFile(name, bundle.files.get(name)!), algorithm: DEFAULT_HASH_ALGORITHM }));
}

/** Builds the payload with sorted keys, as Go's json.Marshal of a map writes it. */
export function signaturePayload(files: SignedFile[], options: Pick<SignOptions, "keyId" | "scope" | "claims">): Uint8Array {
  const claims = options.claims ?? {};
  if ("files" in claims) throw bundleError("signature", 'claims may not set "files"; it is computed from the bundle');
  const payload: Record<string, unknown> = { ...claims, files };
  if (options.keyId !== undefined && payload.keyid === undefined) payload.keyid = options.keyId;
  if (options.scope !== undefined) payload.scope = options.scope;
  const sorted = Object.fromEntries(Object.keys(payload).sort().map((k) => [k, payload[k]]));
  return new TextEncoder().encode(JSON.stringify(sorted));
}

/** Returns a copy of the bundle carrying a fresh signature; existing signatures are replaced. */
export async function signBundle(bundle: Bundle, options: SignOptions): Promise<Bundle> {
  const key = loadSigningKey(options, options.alg);
  const payload = signaturePayload(signedFiles(bundle), options);
  const header: { alg: string; kid?: string } = { alg: options.alg };
  if (options.keyId !== undefined) header.kid = options.keyId;
  let jws: string;
  try {
    jws = await new CompactSign(payload).setProtectedHeader(header).sign(key);
  } catch (err) {
    throw bundleError("key", `cannot sign with ${options.alg}: ${(err as Error).message}`);
  }
  return { ...bundle, signatures: { signatures: [jws] } };
}
