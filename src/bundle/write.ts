/**
 * Serialises a bundle as a reproducible .tar.gz: its files plus `.signatures.json` when
 * signed. The bytes depend only on the files, never on time, host or user.
 */
import { SIGNATURES_FILE, type Bundle } from "./bundle.js";
import { bundlePath, writeTarGz } from "./tar.js";
import { bundleError } from "./errors.js";

/** `.signatures.json` as OPA writes it (one-space indent). */
export function serializeSignatures(signatures: { signatures: string[] }): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ signatures: signatures.signatures }, null, 1));
}

/** All files of a bundle as they go into an archive or folder, `.signatures.json` included. */
export function bundleFiles(bundle: Bundle): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [name, bytes] of bundle.files) {
    const path = bundlePath(name);
    if (path === SIGNATURES_FILE) continue;
    if (out.has(path)) throw bundleError("path", `${path} appears twice in the bundle`);
    out.set(path, bytes);
  }
  if (bundle.signatures) out.set(SIGNATURES_FILE, serializeSignatures(bundle.signatures));
  return out;
}

export async function writeBundle(bundle: Bundle): Promise<Uint8Array> {
  return writeTarGz(bundleFiles(bundle));
}
