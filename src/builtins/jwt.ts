/**
 * Host built-ins for JWT verification and signing (OPA's topdown/tokens.go): io.jwt.verify_*,
 * io.jwt.decode_verify, io.jwt.encode_sign(_raw). Signatures use node:crypto synchronously; the SDK
 * cannot await, so jose's async verify API is not usable here.
 */
import { constants, createHmac, createSecretKey, sign, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import { isObject, obj, str, typeName, type HostFn } from "./args.js";
import { Base64Error, decodeBase64, encodeBase64Url } from "./b64.js";
import type { HostContext } from "./context.js";
import { builtinError, operandError } from "./errors.js";
import { KeyParseError, parseSigningKey, parseVerifyKeys, type VerifyKey } from "./jwt-keys.js";

type Family = "HS" | "RS" | "PS" | "ES" | "EdDSA";
interface Alg { family: Family; hash: string | null }

const ALGS: Record<string, Alg> = {
  HS256: { family: "HS", hash: "sha256" }, HS384: { family: "HS", hash: "sha384" }, HS512: { family: "HS", hash: "sha512" },
  RS256: { family: "RS", hash: "sha256" }, RS384: { family: "RS", hash: "sha384" }, RS512: { family: "RS", hash: "sha512" },
  PS256: { family: "PS", hash: "sha256" }, PS384: { family: "PS", hash: "sha384" }, PS512: { family: "PS", hash: "sha512" },
  ES256: { family: "ES", hash: "sha256" }, ES384: { family: "ES", hash: "sha384" }, ES512: { family: "ES", hash: "sha512" },
  EdDSA: { family: "EdDSA", hash: null },
};

interface Token { header: Record<string, unknown>; rawHeader: string; payloadText: string; signingInput: string; signature: Buffer }

/** Splits and decodes a compact JWS, with OPA's error messages. */
function decodeToken(name: string, jwt: string): Token {
  const parts = jwt.split(".");
  if (parts.length === 1) throw builtinError(name, "encoded JWT had no period separators");
  if (parts.length !== 3) throw builtinError(name, `encoded JWT must have 3 sections, found ${parts.length}`);
  const dec = (what: string, s: string): Buffer => {
    try {
      return decodeBase64(s, true);
    } catch (e) {
      if (e instanceof Base64Error) throw builtinError(name, `JWT ${what} had invalid encoding: ${e.message}`);
      throw e;
    }
  };
  const rawHeader = dec("header", parts[0]!).toString("utf8");
  let header: unknown;
  try {
    header = JSON.parse(rawHeader);
  } catch {
    throw builtinError(name, "JWT header had invalid encoding: not a JSON object");
  }
  if (!isObject(header)) throw builtinError(name, "JWT header had invalid encoding: not a JSON object");
  if ("enc" in header) throw builtinError(name, "JWT is a JWE object, which is not supported");
  const payloadText = dec("payload", parts[1]!).toString("utf8");
  const signature = dec("signature", parts[2]!);
  return { header, rawHeader, payloadText, signingInput: `${parts[0]}.${parts[1]}`, signature };
}

function hmac(hash: string, secret: Buffer | KeyObject, data: string): Buffer {
  return createHmac(hash, secret).update(data).digest();
}

/** True if `sig` is a valid `alg` signature of `data` under `key`; a key of the wrong type is just false. */
function verifyWith(alg: Alg, key: KeyObject, data: string, sig: Buffer): boolean {
  try {
    switch (alg.family) {
      case "HS": {
        if (key.type !== "secret") return false;
        const mac = hmac(alg.hash!, key, data);
        return mac.length === sig.length && timingSafeEqual(mac, sig);
      }
      case "RS":
        return key.asymmetricKeyType === "rsa" && verify(alg.hash, Buffer.from(data), { key, padding: constants.RSA_PKCS1_PADDING }, sig);
      case "PS":
        return (key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "rsa-pss") && verify(alg.hash, Buffer.from(data),
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig);
      case "ES":
        return key.asymmetricKeyType === "ec" && verify(alg.hash, Buffer.from(data), { key, dsaEncoding: "ieee-p1363" }, sig);
      case "EdDSA":
        return (key.asymmetricKeyType === "ed25519" || key.asymmetricKeyType === "ed448") && verify(null, Buffer.from(data), key, sig);
    }
  } catch {
    return false;
  }
}

function keysFrom(name: string, cert: string): VerifyKey[] {
  try {
    return parseVerifyKeys(cert);
  } catch (e) {
    if (e instanceof KeyParseError) throw builtinError(name, e.message);
    throw e;
  }
}

function verifyBuiltin(algName: string): HostFn {
  const alg = ALGS[algName]!;
  const name = `io.jwt.verify_${algName.toLowerCase()}`;
  return (jwt, keyOrSecret) => {
    const token = decodeToken(name, str(name, 1, jwt));
    const k = str(name, 2, keyOrSecret);
    if (alg.family === "HS") return verifyWith(alg, toSecret(k), token.signingInput, token.signature);
    return keysFrom(name, k).some((vk) => verifyWith(alg, vk.key, token.signingInput, token.signature));
  };
}

function toSecret(s: string): KeyObject {
  return createSecretKey(Buffer.from(s, "utf8"));
}

/** A JSON number as an exact decimal scaled by 10^digits (floor), for exp/nbf comparisons without float error. */
export function scaledDecimal(n: number, digits: number): bigint {
  const [mant, expPart] = n.toExponential().split("e") as [string, string];
  const neg = mant.startsWith("-");
  const [ip, fp = ""] = mant.replace("-", "").split(".") as [string, string?];
  const shift = Number(expPart) + digits - fp.length;
  let v = BigInt(ip + fp);
  if (shift >= 0) v *= 10n ** BigInt(shift);
  else v /= 10n ** BigInt(-shift);
  return neg ? -v : v;
}

interface Constraints { keys?: VerifyKey[]; secret?: string; alg?: string; iss?: string; aud?: string; time: number }

function parseConstraints(name: string, c: Record<string, unknown>, now: () => number): Constraints {
  const out: Partial<Constraints> = {};
  for (const [k, v] of Object.entries(c)) {
    switch (k) {
      case "cert": out.keys = keysFrom(name, str(name, 2, v)); break;
      case "secret": out.secret = str(name, 2, v); break;
      case "alg": out.alg = str(name, 2, v); break;
      case "iss": out.iss = str(name, 2, v); break;
      case "aud": out.aud = str(name, 2, v); break;
      case "time":
        if (typeof v !== "number") throw operandError(name, 2, "number for time constraint", typeName(v));
        out.time = v;
        break;
      default: throw builtinError(name, `unknown token validation constraint: ${k}`);
    }
  }
  if (out.keys && out.secret !== undefined) throw builtinError(name, "duplicate key constraints");
  if (!out.keys && out.secret === undefined) throw builtinError(name, "no key constraint");
  return { ...out, time: out.time ?? now() } as Constraints;
}

function decodeVerify(ctx: HostContext): HostFn {
  const name = "io.jwt.decode_verify";
  const unverified = [false, {}, {}];
  return (jwt, constraints) => {
    let text = str(name, 1, jwt);
    const c = parseConstraints(name, obj(name, 2, constraints), () => Number(ctx.memo("time.now_ns", () => ctx.clock())));
    let header: Record<string, unknown> | undefined;
    let payload: unknown;
    // Nested tokens (cty: JWT) are verified layer by layer with the same constraints; the innermost header is returned.
    for (;;) {
      const token = decodeToken(name, text);
      header = token.header;
      const algName = token.header.alg;
      if (typeof algName !== "string") return unverified;
      if (c.alg !== undefined && c.alg !== algName) return unverified;
      const alg = ALGS[algName];
      if (!alg) throw builtinError(name, `unknown JWS algorithm: ${algName}`);
      if ("crit" in token.header) return unverified; // no critical header extension is understood
      let ok: boolean;
      if (c.secret !== undefined) ok = alg.family === "HS" && verifyWith(alg, toSecret(c.secret), token.signingInput, token.signature);
      else {
        const kid = token.header.kid;
        const byKid = typeof kid === "string" ? c.keys!.filter((k) => k.kid === kid) : [];
        ok = (byKid.length ? byKid : c.keys!).some((k) => verifyWith(alg, k.key, token.signingInput, token.signature));
      }
      if (!ok) return unverified;
      if (typeof token.header.cty === "string" && token.header.cty.toUpperCase() === "JWT") {
        let inner: unknown = token.payloadText;
        try { inner = JSON.parse(token.payloadText); } catch { /* the raw text is the inner token */ }
        text = typeof inner === "string" ? inner : token.payloadText;
        continue;
      }
      try {
        payload = JSON.parse(token.payloadText);
      } catch {
        throw builtinError(name, "JWT payload had invalid encoding: not a JSON object");
      }
      if (!isObject(payload)) throw builtinError(name, "JWT payload had invalid encoding: not a JSON object");
      break;
    }
    const p = payload as Record<string, unknown>;
    if (c.iss !== undefined && p.iss !== c.iss) return unverified;
    if (p.aud !== undefined) {
      const auds = Array.isArray(p.aud) ? p.aud : [p.aud];
      if (c.aud === undefined || !auds.includes(c.aud)) return unverified;
    } else if (c.aud !== undefined) return unverified;
    const now = scaledDecimal(c.time, 9);
    if (p.exp !== undefined) {
      if (typeof p.exp !== "number") throw builtinError(name, "exp value must be a number");
      if (now >= scaledDecimal(p.exp, 18)) return unverified;
    }
    if (p.nbf !== undefined) {
      if (typeof p.nbf !== "number") throw builtinError(name, "nbf value must be a number");
      if (now < scaledDecimal(p.nbf, 18)) return unverified;
    }
    return [true, header, p];
  };
}

function signToken(name: string, headerText: string, payloadText: string, jwk: unknown): string {
  let header: unknown;
  if (headerText.trim() === "") throw builtinError(name, "missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
  try {
    header = JSON.parse(headerText);
  } catch (e) {
    const first = headerText.trim()[0]!;
    const detail = /[[{"0-9tfn-]/.test(first) ? (e as Error).message : `invalid character '${first}' looking for beginning of value`;
    throw builtinError(name, `missing or invalid 'alg' header: cannot parse JSON: ${detail}`);
  }
  if (!isObject(header) || !("alg" in header)) throw builtinError(name, `missing or invalid 'alg' header: jwsbb: header "alg" not found`);
  const algName = String(header.alg);
  const alg = ALGS[algName];
  if (!alg) throw builtinError(name, `unknown JWS algorithm: ${algName}`);
  if (header.typ === "JWT") {
    try {
      JSON.parse(payloadText);
    } catch {
      throw builtinError(name, "type is JWT but payload is not JSON");
    }
  }
  let key: KeyObject;
  try {
    key = parseSigningKey(jwk);
  } catch (e) {
    throw builtinError(name, (e as Error).message);
  }
  const input = `${encodeBase64Url(headerText)}.${encodeBase64Url(payloadText)}`;
  let sig: Buffer;
  try {
    switch (alg.family) {
      case "HS":
        if (key.type !== "secret") throw new Error("HMAC needs an oct key");
        sig = hmac(alg.hash!, key, input);
        break;
      case "RS": sig = sign(alg.hash, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PADDING }); break;
      case "PS": sig = sign(alg.hash, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }); break;
      case "ES": sig = sign(alg.hash, Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }); break;
      case "EdDSA": sig = sign(null, Buffer.from(input), key); break;
    }
  } catch (e) {
    throw builtinError(name, `failed to sign token: ${(e as Error).message}`);
  }
  return `${input}.${encodeBase64Url(sig)}`;
}

/** Go's json.Marshal of a Rego object: keys sorted, no spaces. */
function marshalSorted(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(marshalSorted).join(",")}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${marshalSorted(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

export function jwtBuiltins(ctx: HostContext): Record<string, HostFn> {
  const table: Record<string, HostFn> = {
    "io.jwt.decode_verify": decodeVerify(ctx),
    "io.jwt.encode_sign": (h, p, k) => {
      const name = "io.jwt.encode_sign";
      return signToken(name, marshalSorted(obj(name, 1, h)), marshalSorted(obj(name, 2, p)), obj(name, 3, k));
    },
    "io.jwt.encode_sign_raw": (h, p, k) => {
      const name = "io.jwt.encode_sign_raw";
      const keyText = str(name, 3, k);
      let jwk: unknown;
      try {
        jwk = JSON.parse(keyText);
      } catch {
        throw builtinError(name, "failed to parse a JWK key: invalid JSON");
      }
      return signToken(name, str(name, 1, h), str(name, 2, p), jwk);
    },
  };
  for (const a of Object.keys(ALGS)) table[`io.jwt.verify_${a.toLowerCase()}`] = verifyBuiltin(a);
  return table;
}
