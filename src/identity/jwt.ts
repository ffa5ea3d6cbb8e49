/**
 * Verifies bearer tokens with jose against the configured issuer, audience, algorithm
 * allowlist and clock tolerance, and names the reason when a token fails. Results are cached
 * per token (successes until `exp`, failures briefly, in a cache bounded by count and bytes) so
 * the hot path verifies a token once; a token leaves the cache when its key leaves the JWKS.
 * Before any signature check a token must be canonical base64url and its claims shallow.
 */
import { createHash } from "node:crypto";
import { errors, jwtVerify, type JWTPayload } from "jose";
import { ExpiringCache } from "./cache.js";
import { JwksUnavailable, NO_KID, type JwksKeySource } from "./jwks.js";
import { jsonTextTooDeep } from "../limits/json-depth.js";

export type FailureReason =
  | "missing_token"
  | "malformed_token"
  | "invalid_signature"
  | "expired"
  | "not_yet_valid"
  | "wrong_issuer"
  | "wrong_audience"
  | "disallowed_algorithm"
  | "unknown_key"
  | "jwks_unavailable"
  | "token_too_large"
  | "claims_too_deep"
  | "missing_exp"
  | "issued_in_future"
  | "wrong_type";

export type VerifyResult =
  | { ok: true; claims: JWTPayload; /** the kid of the key that verified it ("" when none) */ kid?: string }
  | { ok: false; reason: FailureReason; detail: string };

export interface VerifierOptions {
  keys: JwksKeySource;
  issuer: string[];
  audience: string[];
  algorithms: string[];
  clockToleranceSeconds: number;
  cacheSize: number;
  /** Byte cap of the token cache (identity.token_cache_bytes); unbounded when absent. */
  cacheBytes?: number;
  /** Refuse tokens without `exp` (identity.require_exp). */
  requireExp?: boolean;
  /** Refuse tokens whose `iat` is later than now + clock tolerance (identity.reject_future_iat). */
  rejectFutureIat?: boolean;
  /** Accepted `typ` header values; empty or absent accepts any (identity.typ). */
  typ?: string[];
  /** Deepest nesting the claims may have (limits.max_json_depth). */
  maxJsonDepth?: number;
  now?: () => number;
}

/** Tokens without `exp` are re-verified this often rather than trusted forever. */
const NO_EXP_TTL_MS = 5 * 60_000;
/** Failures that cannot heal by themselves are remembered briefly to blunt floods of bad tokens. */
const FAILURE_TTL_MS = 60_000;
const STICKY_FAILURES = new Set<FailureReason>(["malformed_token", "invalid_signature", "disallowed_algorithm", "wrong_issuer", "wrong_audience", "expired"]);

export class TokenVerifier {
  private readonly cache: ExpiringCache<VerifyResult>;
  private readonly now: () => number;
  private readonly algorithms: string[];
  private readonly inflight = new Map<string, Promise<VerifyResult>>();

  private readonly typ: Set<string> | undefined;
  /** Counts key withdrawals: a check that straddles one is answered but not cached. */
  private withdrawals = 0;

  constructor(private readonly opts: VerifierOptions) {
    this.cache = new ExpiringCache(opts.cacheSize, opts.cacheBytes);
    this.now = opts.now ?? Date.now;
    this.algorithms = opts.algorithms.filter((a) => a.toLowerCase() !== "none");
    this.typ = opts.typ?.length ? new Set(opts.typ.map(normalizeTyp)) : undefined;
    // A withdrawn key takes every token it verified out of the cache at once.
    opts.keys.onWithdrawn((kids) => {
      this.withdrawals++;
      this.cache.deleteWhere((r) => r.ok && kids.has(r.kid ?? NO_KID));
    });
  }

  get cacheEntries(): number {
    return this.cache.size;
  }

  get cacheBytes(): number {
    return this.cache.bytes;
  }

  /** Synchronous cache probe: the hot path avoids a promise when the token is known. */
  cached(token: string): VerifyResult | undefined {
    this.opts.keys.refreshIfStale();
    return this.cache.get(cacheKey(token), this.now());
  }

  async verify(token: string): Promise<VerifyResult> {
    this.opts.keys.refreshIfStale();
    const key = cacheKey(token);
    const hit = this.cache.get(key, this.now());
    if (hit) return hit;
    // A burst of requests with a new token shares one signature check.
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.verifyAndCache(token, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async verifyAndCache(token: string, key: string): Promise<VerifyResult> {
    const before = this.withdrawals;
    const result = await this.verifyUncached(token);
    const now = this.now();
    if (result.ok && before !== this.withdrawals) return result;
    if (result.ok) {
      const exp = typeof result.claims.exp === "number" ? result.claims.exp * 1000 + this.opts.clockToleranceSeconds * 1000 : now + NO_EXP_TTL_MS;
      // The claims cost about twice their base64 text once parsed into objects.
      this.cache.set(key, result, Math.min(exp, now + 24 * 3600_000), now, token.length * 2);
    } else if (STICKY_FAILURES.has(result.reason)) {
      this.cache.set(key, result, now + FAILURE_TTL_MS, now, 64 + result.detail.length);
    }
    return result;
  }

  private async verifyUncached(token: string): Promise<VerifyResult> {
    const parts = token.split(".");
    if (parts.length !== 3) return fail("malformed_token", "a JWS has three segments");
    // One spelling per token: padding, other alphabets and stray trailing bits are refused.
    if (!parts.every(canonicalBase64url)) return fail("malformed_token", "a segment is not canonical base64url");
    if (parts[0]!.length > MAX_HEADER_CHARS) return fail("malformed_token", "the protected header is too large");
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as Record<string, unknown>;
    } catch {
      return fail("malformed_token", "the protected header is not JSON");
    }
    if (typeof header !== "object" || header === null || Array.isArray(header)) return fail("malformed_token", "the protected header is not a JSON object");
    const alg = header.alg;
    // Checked before jose so `none` and HS-with-a-public-key tricks never reach a key lookup.
    if (typeof alg !== "string" || !this.algorithms.includes(alg)) return fail("disallowed_algorithm", `algorithm ${String(alg)} is not allowed`);
    if (this.typ && (typeof header.typ !== "string" || !this.typ.has(normalizeTyp(header.typ))))
      return fail("wrong_type", `typ ${JSON.stringify(header.typ ?? null)} is not accepted`);
    if (this.opts.maxJsonDepth !== undefined && jsonTextTooDeep(Buffer.from(parts[1]!, "base64url"), this.opts.maxJsonDepth))
      return fail("claims_too_deep", `the claims nest deeper than ${this.opts.maxJsonDepth} levels (limits.max_json_depth)`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.opts.keys.getKey, {
        algorithms: this.algorithms,
        issuer: this.opts.issuer.length ? this.opts.issuer : undefined,
        audience: this.opts.audience.length ? this.opts.audience : undefined,
        clockTolerance: this.opts.clockToleranceSeconds,
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      return classify(err);
    }
    if (this.opts.requireExp && typeof payload.exp !== "number") return fail("missing_exp", "the token has no exp claim (identity.require_exp)");
    if (this.opts.rejectFutureIat && typeof payload.iat === "number" && payload.iat * 1000 > this.now() + this.opts.clockToleranceSeconds * 1000)
      return fail("issued_in_future", "the token's iat is in the future (identity.reject_future_iat)");
    return { ok: true, claims: payload, kid: typeof header.kid === "string" ? header.kid : NO_KID };
  }
}

/**
 * The cache is keyed by the token's SHA-256, never the token itself: what a caller sends is not
 * what the cache keeps, so a flood of large garbage tokens costs a few hundred bytes each.
 */
function cacheKey(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** RFC 7515 §4.1.9: "JWT" and "application/jwt" name the same type; compared case-insensitively. */
function normalizeTyp(t: string): string {
  const l = t.toLowerCase();
  return l.startsWith("application/") ? l.slice("application/".length) : l;
}

/**
 * Base64url without padding whose last character carries no stray bits (RFC 7515 §2, RFC 4648
 * §3.5). Checked in place, without decoding: garbage tokens must not cost an allocation each.
 */
export function canonicalBase64url(seg: string): boolean {
  const rem = seg.length % 4;
  if (rem === 1 || !/^[A-Za-z0-9_-]*$/.test(seg)) return false;
  if (rem === 0) return true;
  const v = B64URL.indexOf(seg[seg.length - 1]!);
  // 2 characters carry 12 bits for 8 (4 spare), 3 carry 18 for 16 (2 spare): the spare bits are 0.
  return rem === 2 ? (v & 0x0f) === 0 : (v & 0x03) === 0;
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A protected header is a few fields; a larger one is refused before it is decoded. */
const MAX_HEADER_CHARS = 4096;

function fail(reason: FailureReason, detail: string): VerifyResult {
  return { ok: false, reason, detail };
}

function classify(err: unknown): VerifyResult {
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof JwksUnavailable) return fail("jwks_unavailable", msg);
  if (err instanceof errors.JWTExpired) return fail("expired", msg);
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "nbf" || err.claim === "iat") return fail("not_yet_valid", msg);
    if (err.claim === "iss") return fail("wrong_issuer", msg);
    if (err.claim === "aud") return fail("wrong_audience", msg);
    return fail("malformed_token", msg);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return fail("disallowed_algorithm", msg);
  if (err instanceof errors.JWSSignatureVerificationFailed) return fail("invalid_signature", msg);
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return fail("unknown_key", msg);
  if (err instanceof errors.JOSEError) return fail("malformed_token", msg);
  // A key of the wrong type for the algorithm (e.g. an RSA key for ES256) surfaces as a TypeError.
  if (err instanceof TypeError) return fail("invalid_signature", msg);
  return fail("malformed_token", msg);
}
