/**
 * A JWKS key source (file or URL) with a cache: keys are reloaded when older than the cache
 * age, and on an unknown `kid` at most once per min-refresh interval, so a stream of forged
 * kids cannot turn into a stream of JWKS fetches. Concurrent refreshes share one load.
 */
import { readFile } from "node:fs/promises";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from "jose";
import { RegentError } from "../errors.js";
import { IDENTITY_JWKS } from "./errors.js";

export interface JwksOptions {
  file?: string;
  url?: string;
  cacheSeconds: number;
  minRefreshSeconds: number;
  fetchTimeoutMs?: number;
  /** For tests and for the clock-skew story: defaults to Date.now. */
  now?: () => number;
}

/** Thrown by getKey when no key set could ever be loaded. */
export class JwksUnavailable extends Error {}

type LocalSet = ReturnType<typeof createLocalJWKSet>;

export class JwksKeySource {
  private set: LocalSet | undefined;
  private loadedAt = 0;
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private lastError: string | undefined;
  /** Counts loads, so tests and metrics can see the refresh policy at work. */
  loads = 0;
  private readonly now: () => number;

  constructor(private readonly opts: JwksOptions) {
    if (!opts.file === !opts.url) throw new RegentError(IDENTITY_JWKS, "a JWKS needs exactly one of a file or a URL");
    this.now = opts.now ?? Date.now;
  }

  /** The key resolver jose's jwtVerify calls. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey | Uint8Array> => {
    if (!this.set || this.now() - this.loadedAt > this.opts.cacheSeconds * 1000) await this.refresh(true);
    if (!this.set) throw new JwksUnavailable(this.lastError ?? "JWKS not loaded");
    try {
      return (await this.set(header, token)) as CryptoKey;
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      if (this.now() - this.lastRefresh < this.opts.minRefreshSeconds * 1000) throw err;
      await this.refresh(false);
      return (await this.set!(header, token)) as CryptoKey;
    }
  };

  /** Loads the key set now; startup calls it so a broken JWKS file fails loudly. */
  async load(): Promise<void> {
    await this.refresh(false);
    if (!this.set) throw new RegentError(IDENTITY_JWKS, `cannot load JWKS from ${this.opts.file ?? this.opts.url}: ${this.lastError}`);
  }

  private refresh(onlyIfStale: boolean): Promise<void> {
    if (this.inflight) return this.inflight;
    // A stale set is still better than none; do not hammer a failing source on every request.
    if (onlyIfStale && this.set && this.now() - this.lastRefresh < this.opts.minRefreshSeconds * 1000) return Promise.resolve();
    this.lastRefresh = this.now();
    this.inflight = this.fetchSet()
      .then((jwks) => {
        this.set = createLocalJWKSet(jwks);
        this.loadedAt = this.now();
        this.loads++;
        this.lastError = undefined;
      })
      .catch((err: unknown) => {
        this.lastError = err instanceof Error ? err.message : String(err);
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private async fetchSet(): Promise<JSONWebKeySet> {
    let text: string;
    if (this.opts.file) {
      text = await readFile(this.opts.file, "utf8");
    } else {
      const res = await fetch(this.opts.url!, {
        headers: { accept: "application/json, application/jwk-set+json" },
        signal: AbortSignal.timeout(this.opts.fetchTimeoutMs ?? 5000),
      });
      if (!res.ok) throw new Error(`GET ${this.opts.url} answered ${res.status}`);
      text = await res.text();
    }
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || !Array.isArray((parsed as JSONWebKeySet).keys))
      throw new Error("not a JWKS: no keys array");
    return parsed as JSONWebKeySet;
  }
}
