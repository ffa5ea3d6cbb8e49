/**
 * Signing and verification keys: PEM (PKCS#8, PKCS#1, SEC1, SPKI, certificates), JWK/JWKS
 * and HMAC secrets, with the algorithms each key may be used with. A PEM key is never
 * accepted as an HMAC secret, which closes the HS/RS confusion attack.
 */
import { createPrivateKey, createPublicKey, createSecretKey, KeyObject, X509Certificate } from "node:crypto";
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

/** The key for `signBundle`: a PEM private key for RS/PS/ES, a shared secret for HS. */
export function loadSigningKey(input: string | Uint8Array | KeyObject, alg: string): KeyObject {
  if (!isSigningAlgorithm(alg)) {
    throw bundleError("key", `unsupported signing algorithm "${alg}" (supported: ${SIGNING_ALGORITHMS.join(", ")})`);
  }
  if (input instanceof KeyObject) {
    const ok = input.type === "secret" ? HMAC_ALGS.includes(alg) : describeAsymmetric(input).algorithms.includes(alg);
    if (!ok) throw bundleError("key", `the given key cannot sign with ${alg}`);
    return input;
  }
  const text = asText(input);
  if (alg.startsWith("HS")) {
    if (isPem(text)) throw bundleError("key", `${alg} needs a shared secret, but a PEM key was given; use RS/PS/ES algorithms with PEM keys`);
    if (text.length === 0) throw bundleError("key", "the HMAC secret is empty");
    return createSecretKey(typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(input));
  }
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

function fromJwk(jwk: Record<string, unknown>, index: number): VerificationKey {
  const kid = typeof jwk.kid === "string" ? jwk.kid : undefined;
  const where = kid ? `JWK "${kid}"` : `JWK #${index}`;
  let out: VerificationKey;
  if (jwk.kty === "oct") {
    if (typeof jwk.k !== "string") throw bundleError("key", `${where}: an oct key needs "k"`);
    out = { kid, key: createSecretKey(Buffer.from(jwk.k, "base64url")), algorithms: [...HMAC_ALGS], description: "HMAC secret" };
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

/**
 * Verification keys from text: a JWKS (`{"keys": [...]}`) or a JWK, a PEM public key,
 * certificate or private key (its public half is used), or else an HMAC secret.
 */
export function loadVerificationKeys(input: string | Uint8Array, kid?: string): VerificationKey[] {
  const text = asText(input);
  const trimmed = text.trim();
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
  if (text.length === 0) throw bundleError("key", "the verification key is empty");
  return [{ kid, key: createSecretKey(Buffer.from(text, "utf8")), algorithms: [...HMAC_ALGS], description: "HMAC secret" }];
}
