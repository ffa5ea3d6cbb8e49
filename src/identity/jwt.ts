/**
 * Verifies bearer tokens with jose against the configured issuer, audience, algorithm
 * allowlist and clock tolerance, and names the reason when a token fails. Results are cached
 * per token (successes until `exp`, failures briefly) so the hot path verifies a token once.
 */
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { ExpiringCache } from "./cache.js";
import { JwksUnavailable, type JwksKeySource } from "./jwks.js";

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
  | "jwks_unavailable";

export type VerifyResult =
  | { ok: true; claims: JWTPayload }
  | { ok: false; reason: FailureReason; detail: string };

export interface VerifierOptions {
  keys: JwksKeySource;
  issuer: string[];
  audience: string[];
  algorithms: string[];
  clockToleranceSeconds: number;
  cacheSize: number;
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

  constructor(private readonly opts: VerifierOptions) {
    this.cache = new ExpiringCache(opts.cacheSize);
    this.now = opts.now ?? Date.now;
    this.algorithms = opts.algorithms.filter((a) => a.toLowerCase() !== "none");
  }

  /** Synchronous cache probe: the hot path avoids a promise when the token is known. */
  cached(token: string): VerifyResult | undefined {
    return this.cache.get(token, this.now());
  }

  async verify(token: string): Promise<VerifyResult> {
    const hit = this.cache.get(token, this.now());
    if (hit) return hit;
    // A burst of requests with a new token shares one signature check.
    let pending = this.inflight.get(token);
    if (!pending) {
      pending = this.verifyAndCache(token).finally(() => this.inflight.delete(token));
      this.inflight.set(token, pending);
    }
    return pending;
  }

  private async verifyAndCache(token: string): Promise<VerifyResult> {
    const result = await this.verifyUncached(token);
    const now = this.now();
    if (result.ok) {
      const exp = typeof result.claims.exp === "number" ? result.claims.exp * 1000 + this.opts.clockToleranceSeconds * 1000 : now + NO_EXP_TTL_MS;
      this.cache.set(token, result, Math.min(exp, now + 24 * 3600_000));
    } else if (STICKY_FAILURES.has(result.reason)) {
      this.cache.set(token, result, now + FAILURE_TTL_MS);
    }
    return result;
  }

  private async verifyUncached(token: string): Promise<VerifyResult> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch (err) {
      return fail("malformed_token", (err as Error).message);
    }
    // Checked before jose so `none` and HS-with-a-public-key tricks never reach a key lookup.
    if (typeof alg !== "string" || !this.algorithms.includes(alg)) return fail("disallowed_algorithm", `algorithm ${String(alg)} is not allowed`);
    try {
      const { payload } = await jwtVerify(token, this.opts.keys.getKey, {
        algorithms: this.algorithms,
        issuer: this.opts.issuer.length ? this.opts.issuer : undefined,
        audience: this.opts.audience.length ? this.opts.audience : undefined,
        clockTolerance: this.opts.clockToleranceSeconds,
        currentDate: new Date(this.now()),
      });
      return { ok: true, claims: payload };
    } catch (err) {
      return classify(err);
    }
  }
}

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
