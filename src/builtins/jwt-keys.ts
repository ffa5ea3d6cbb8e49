/**
 * Verification keys as OPA's JWT built-ins accept them: PEM certificates, PEM public keys, a JWK or a JWK
 * set (JSON). Everything here is synchronous (node:crypto), because the SDK calls host built-ins synchronously.
 */
import { KeyObject, X509Certificate, createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey } from "node:crypto";

export interface VerifyKey { key: KeyObject; kid?: string; alg?: string }

export class KeyParseError extends Error {}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

const keyCache = new Map<string, VerifyKey[]>();
const KEY_CACHE_MAX = 64;

/**
 * Keys from a PEM bundle, or from a JWK / JWK set when the text holds no PEM block. Policies pass the
 * same certificate on every request, so parsed keys are cached by their text.
 */
export function parseVerifyKeys(text: string): VerifyKey[] {
  const hit = keyCache.get(text);
  if (hit) return hit;
  const keys = parseVerifyKeysUncached(text);
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(text, keys);
  return keys;
}

function parseVerifyKeysUncached(text: string): VerifyKey[] {
  if (text.includes("-----BEGIN")) {
    const keys: VerifyKey[] = [];
    for (const m of text.matchAll(PEM_BLOCK)) {
      const block = m[0];
      try {
        if (m[1] === "CERTIFICATE") keys.push({ key: new X509Certificate(block).publicKey });
        else keys.push({ key: createPublicKey(block) });
      } catch {
        throw new KeyParseError(m[1] === "CERTIFICATE" ? "failed to parse a PEM certificate" : "failed to parse a PEM public key");
      }
    }
    if (keys.length === 0) throw new KeyParseError("failed to parse a PEM certificate");
    return keys;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyParseError("failed to parse a JWK key (set)");
  }
  const jwks = isRecord(json) && Array.isArray(json.keys) ? json.keys : [json];
  const keys: VerifyKey[] = [];
  for (const jwk of jwks) {
    if (!isRecord(jwk) || typeof jwk.kty !== "string") throw new KeyParseError("failed to parse a JWK key (set)");
    try {
      const key = jwk.kty === "oct"
        ? createSecretKey(Buffer.from(String(jwk.k ?? ""), "base64url"))
        : createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
      keys.push({ key, kid: typeof jwk.kid === "string" ? jwk.kid : undefined, alg: typeof jwk.alg === "string" ? jwk.alg : undefined });
    } catch (e) {
      throw new KeyParseError(`failed to parse a JWK key (set): ${(e as Error).message}`);
    }
  }
  return keys;
}

/** A signing key from a JWK: oct → secret, otherwise a private key. */
export function parseSigningKey(jwk: unknown): KeyObject {
  if (!isRecord(jwk) || typeof jwk.kty !== "string") throw new KeyParseError("failed to parse a JWK key: missing kty");
  try {
    if (jwk.kty === "oct") {
      if (typeof jwk.k !== "string") throw new Error("missing k");
      return createSecretKey(Buffer.from(jwk.k, "base64url"));
    }
    return createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
  } catch (e) {
    throw new KeyParseError(`failed to parse a JWK key: ${(e as Error).message}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
