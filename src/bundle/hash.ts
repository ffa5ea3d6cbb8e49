/**
 * File digests for bundle signatures, exactly as OPA computes them: structured files
 * (data.json, data.yaml, .manifest) are hashed in canonical JSON form, every
 * other file as raw bytes. The algorithm names are OPA's ("SHA-256").
 */
import { createHash } from "node:crypto";
import {
  canonicalJson,
  JsonSyntaxError,
  parseCanonicalJson,
  parseCanonicalYaml,
  type CanonicalValue,
} from "./canonical-json.js";
import { bundleError } from "./errors.js";

export const DEFAULT_HASH_ALGORITHM = "SHA-256";

const NODE_HASH: Record<string, string> = { "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

/** The hash algorithms regent accepts in a signature; OPA's weaker MD5/SHA-1 options are refused. */
export const HASH_ALGORITHMS = Object.keys(NODE_HASH);

// Exactly OPA's list: data.yml is hashed raw and a file named signatures.json is structured, quirks included.
const STRUCTURED = new Set(["data.json", "data.yaml", ".manifest", "signatures.json"]);

/** OPA's IsStructuredDoc: decided by the file's base name only. */
export function isStructuredFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return STRUCTURED.has(base);
}

const decoder = new TextDecoder("utf-8");

/** Parses a structured file as OPA's util.Unmarshal does: JSON when it is valid JSON, YAML otherwise. */
export function parseStructured(path: string, bytes: Uint8Array): CanonicalValue {
  const text = decoder.decode(bytes);
  try {
    return parseCanonicalJson(text);
  } catch (jsonErr) {
    try {
      return parseCanonicalYaml(text);
    } catch (yamlErr) {
      const why = jsonErr instanceof JsonSyntaxError ? jsonErr.message : String(yamlErr);
      throw bundleError("format", `${path}: not valid JSON or YAML, cannot hash it canonically (${why})`);
    }
  }
}

/** The bytes that get hashed for a bundle file: canonical JSON for structured files, the file itself otherwise. */
export function hashInput(path: string, bytes: Uint8Array): Uint8Array {
  if (!isStructuredFile(path)) return bytes;
  return new TextEncoder().encode(canonicalJson(parseStructured(path, bytes)));
}

/** The hex digest of a bundle file as OPA writes it into `.signatures.json`. */
export function hashFile(path: string, bytes: Uint8Array, algorithm: string = DEFAULT_HASH_ALGORITHM): string {
  const nodeAlg = NODE_HASH[algorithm];
  if (!nodeAlg) {
    throw bundleError("signature", `${path}: unsupported hash algorithm "${algorithm}" (supported: ${HASH_ALGORITHMS.join(", ")})`);
  }
  return createHash(nodeAlg).update(hashInput(path, bytes)).digest("hex");
}
