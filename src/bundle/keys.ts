/**
 * Signing and verification keys: PEM or DER (PKCS#8, PKCS#1, SEC1, SPKI, certificates), JWK/JWKS
 * and HMAC secrets, with the algorithms each key may be used with. Keys are typed by how they
 * are given, never guessed from their bytes: an HMAC secret is only ever one passed as a secret
 * (or an `oct` JWK), so public key material can never become an HMAC secret (key confusion).
 */
import { createPrivateKey, createPublicKey, createSecretKey, KeyObject, X509Certificate } from "node:crypto";
import { RegentError } from "../errors.js";
import { bundleError } from "./errors.js";

export const SIGNING_ALGORITHMS = [
  "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512",
] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export function isSigningAlgorithm(alg: string): alg is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly string[]).includes(alg);
}

export interface VerificationKey {
  kid?: string;
  key: KeyObject;
  /** The algorithms this key may verify. */
  algorithms: SigningAlgorithm[];
  /** For messages: "RSA public key", "EC P-256 public key", "HMAC secret". */
  description: string;
}

const CURVE_ALG: Record<string, SigningAlgorithm> = { prime256v1: "ES256", secp384r1: "ES384", secp521r1: "ES512" };
const CURVE_NAME: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

/** What an asymmetric key may do, from its type and curve. */
function describeAsymmetric(key: KeyObject): { algorithms: SigningAlgorithm[]; description: string } {
  const kind = key.type === "private" ? "private key" : "public key";
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { algorithms: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"], description: `RSA ${kind}` };
    case "rsa-pss":
      return { algorithms: ["PS256", "PS384", "PS512"], description: `RSA-PSS ${kind}` };
    case "ec": {
      const curve = key.asymmetricKeyDetails?.namedCurve ?? "";
      const alg = CURVE_ALG[curve];
      if (!alg) throw bundleError("key", `EC curve ${curve || "(unknown)"} is not supported (use P-256, P-384 or P-521)`);
      return { algorithms: [alg], description: `EC ${CURVE_NAME[curve]} ${kind}` };
    }
    default:
      throw bundleError("key", `${key.asymmetricKeyType ?? "unknown"} keys are not supported; use RSA, EC or an HMAC secret`);
  }
}

const HMAC_ALGS: SigningAlgorithm[] = ["HS256", "HS384", "HS512"];

const asText = (k: string | Uint8Array): string => (typeof k === "string" ? k : new TextDecoder().decode(k));
const isPem = (text: string): boolean => /-----BEGIN [A-Z0-9 ]+-----/.test(text);

/** Signing key material: a private key (PEM text or a KeyObject) or, for HS, an explicit secret. */
export interface SigningMaterial {
  key?: string | Uint8Array | KeyObject;
  secret?: string | Uint8Array;
}

/** The key for `signBundle`: a PEM private key for RS/PS/ES, an explicit shared secret for HS. */
export function loadSigningKey(material: SigningMaterial, alg: string): KeyObject {
  if (!isSigningAlgorithm(alg)) {
    throw bundleError("key", `unsupported signing algorithm "${alg}" (supported: ${SIGNING_ALGORITHMS.join(", ")})`);
  }
  const { key: input, secret } = material;
  if ((input === undefined) === (secret === undefined)) throw bundleError("key", "give either a private key or an HMAC secret to sign with");
  if (secret !== undefined) {
    if (!alg.startsWith("HS")) throw bundleError("key", `${alg} signs with a private key, but an HMAC secret was given; HMAC secrets sign with HS256, HS384 or HS512`);
    return hmacSecret(secret).key;
  }
  if (input instanceof KeyObject) {
    const ok = input.type === "secret" ? HMAC_ALGS.includes(alg) : describeAsymmetric(input).algorithms.includes(alg);
    if (!ok) throw bundleError("key", `the given key cannot sign with ${alg}`);
    return input;
  }
  if (alg.startsWith("HS")) throw bundleError("key", `${alg} signs with a shared secret, but a private key was given; pass the secret as a secret (--signing-secret-file)`);
  const text = asText(input!);
  if (!isPem(text)) throw bundleError("key", `${alg} needs a PEM private key (PKCS#8, PKCS#1 or SEC1)`);
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (err) {
    throw bundleError("key", `cannot read the PEM private key: ${(err as Error).message}`);
  }
  const { algorithms, description } = describeAsymmetric(key);
  if (!algorithms.includes(alg)) throw bundleError("key", `an ${description} cannot sign with ${alg} (it can use ${algorithms.join(", ")})`);
  return key;
}

/** The algorithm a key signs with when none is named: HS256 for a secret, else the key type's first (RS256, ES256…). */
export function defaultSigningAlgorithm(material: SigningMaterial): SigningAlgorithm {
  if (material.secret !== undefined) return "HS256";
  const input = material.key;
  if (input === undefined) throw bundleError("key", "give either a private key or an HMAC secret to sign with");
  if (input instanceof KeyObject) return input.type === "secret" ? "HS256" : describeAsymmetric(input).algorithms[0];
  const text = asText(input);
  if (!isPem(text)) throw bundleError("key", "the signing key is not a PEM private key (PKCS#8, PKCS#1 or SEC1)");
  try {
    return describeAsymmetric(createPrivateKey(text)).algorithms[0];
  } catch (err) {
    if (err instanceof RegentError) throw err;
    throw bundleError("key", `cannot read the PEM private key: ${(err as Error).message}`);
  }
}

/** An HMAC secret given explicitly as one; its bytes are used exactly as given. */
export function hmacSecret(secret: string | Uint8Array, kid?: string): VerificationKey {
  const bytes = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
  if (bytes.length === 0) throw bundleError("key", "the HMAC secret is empty");
  return { kid, key: createSecretKey(bytes), algorithms: [...HMAC_ALGS], description: "HMAC secret" };
}

function fromJwk(jwk: Record<string, unknown>, index: number): VerificationKey {
  const kid = typeof jwk.kid === "string" ? jwk.kid : undefined;
  const where = kid ? `JWK "${kid}"` : `JWK #${index}`;
  let out: VerificationKey;
  if (jwk.kty === "oct") {
    if (typeof jwk.k !== "string") throw bundleError("key", `${where}: an oct key needs "k"`);
    // An `oct` JWK declares itself a symmetric key, so it is a secret given explicitly as one.
    out = hmacSecret(Buffer.from(jwk.k, "base64url"), kid);
  } else {
    let key: KeyObject;
    try {
      // Only the public half is kept even if a private JWK is given.
      key = createPublicKey({ key: jwk as never, format: "jwk" });
    } catch (err) {
      throw bundleError("key", `${where}: cannot read it: ${(err as Error).message}`);
    }
    out = { kid, key, ...describeAsymmetric(key) };
  }
  if (typeof jwk.alg === "string") {
    if (!out.algorithms.includes(jwk.alg as SigningAlgorithm)) throw bundleError("key", `${where}: alg ${jwk.alg} does not fit an ${out.description}`);
    out.algorithms = [jwk.alg as SigningAlgorithm];
  }
  return out;
}

/** A public key from DER bytes: SPKI, PKCS#1 or an X.509 certificate. Undefined when it is none of them. */
function fromDer(bytes: Uint8Array): KeyObject | undefined {
  const der = Buffer.from(bytes);
  for (const type of ["spki", "pkcs1"] as const) {
    try {
      return createPublicKey({ key: der, format: "der", type });
    } catch {
      // not this encoding; try the next
    }
  }
  try {
    return new X509Certificate(der).publicKey;
  } catch {
    return undefined;
  }
}

/**
 * Public verification keys: a JWKS (`{"keys": [...]}`) or a JWK, a PEM public key, certificate
 * or private key (its public half is used), or the same in DER. Anything else is refused: an
 * HMAC secret is given with `hmacSecret`, never inferred from key material that failed to parse.
 */
export function loadVerificationKeys(input: string | Uint8Array, kid?: string): VerificationKey[] {
  const text = asText(input);
  const trimmed = text.trim();
  if (trimmed.length === 0) throw bundleError("key", "the verification key is empty");
  if (trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      throw bundleError("key", `the verification key looks like JSON but does not parse: ${(err as Error).message}`);
    }
    const obj = json as Record<string, unknown>;
    if (Array.isArray(obj.keys)) {
      if (obj.keys.length === 0) throw bundleError("key", "the JWKS has no keys");
      return obj.keys.map((k, i) => fromJwk(k as Record<string, unknown>, i));
    }
    if (typeof obj.kty === "string") return [fromJwk(obj, 0)];
    throw bundleError("key", 'the verification key is JSON but neither a JWK nor a JWKS ({"keys": [...]})');
  }
  if (isPem(trimmed)) {
    let key: KeyObject;
    try {
      if (/-----BEGIN CERTIFICATE-----/.test(trimmed)) key = new X509Certificate(trimmed).publicKey;
      else if (/PRIVATE KEY-----/.test(trimmed)) key = createPublicKey(createPrivateKey(trimmed));
      else key = createPublicKey(trimmed);
    } catch (err) {
      throw bundleError("key", `cannot read the PEM verification key: ${(err as Error).message}`);
    }
    return [{ kid, key, ...describeAsymmetric(key) }];
  }
  const der = typeof input === "string" ? undefined : fromDer(input);
  if (der) return [{ kid, key: der, ...describeAsymmetric(der) }];
  throw bundleError(
    "key",
    "the verification key is not a PEM, DER or JWK/JWKS public key; an HMAC secret must be given as a secret " +
      "(--verification-secret-file, bundle.verification.secret_file), never as a key",
  );
}

/**
 * A private signing key from a JWK or JWKS, chosen by key id: how CI holds several signing keys
 * during a rotation and `regent sign --key-id` picks one. Returns the key and its kid. An `oct`
 * JWK is refused here: HMAC secrets sign only when given as secrets.
 */
export function selectSigningJwk(text: string, kid: string | undefined): { key: KeyObject; kid?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bundleError("key", `the signing key looks like JSON but does not parse: ${(err as Error).message}`);
  }
  const obj = json as Record<string, unknown>;
  const list = Array.isArray(obj?.keys) ? (obj.keys as Record<string, unknown>[]) : typeof obj?.kty === "string" ? [obj] : undefined;
  if (!list) throw bundleError("key", 'the signing key is JSON but neither a JWK nor a JWKS ({"keys": [...]})');
  const kids = list.map((k) => (typeof k?.kid === "string" ? k.kid : undefined));
  let jwk: Record<string, unknown> | undefined;
  if (kid !== undefined) {
    jwk = list.find((_, i) => kids[i] === kid);
    if (!jwk) throw bundleError("key", `the signing JWKS has no key with key id "${kid}" (it has: ${kids.map((k) => k ?? "(no id)").join(", ")})`);
  } else if (list.length === 1) {
    jwk = list[0];
  } else {
    throw bundleError("key", `the signing JWKS holds ${list.length} keys; choose one with --key-id (${kids.map((k) => k ?? "(no id)").join(", ")})`);
  }
  if (jwk.kty === "oct") throw bundleError("key", "an oct JWK is a shared secret; sign with HMAC through --signing-secret-file");
  if (typeof jwk.d !== "string") throw bundleError("key", `JWK ${JSON.stringify(jwk.kid ?? "")} is a public key; signing needs the private key`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: jwk as never, format: "jwk" });
  } catch (err) {
    throw bundleError("key", `cannot read the private JWK: ${(err as Error).message}`);
  }
  describeAsymmetric(key);
  return { key, kid: typeof jwk.kid === "string" ? jwk.kid : undefined };
}
