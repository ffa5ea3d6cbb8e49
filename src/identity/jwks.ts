/**
 * A JWKS key source (file or URL) with a cache: keys are reloaded when older than the cache
 * age, and on an unknown `kid` at most once per min-refresh interval, so a stream of forged
 * kids cannot turn into a stream of JWKS fetches. Concurrent refreshes share one load. A
 * refresh that withdraws (or replaces) a key tells its listeners which `kid`s went away.
 */
import { readFile } from "node:fs/promises";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from "jose";
import { RegentError } from "../errors.js";
import { IDENTITY_JWKS, IDENTITY_JWKS_LIMIT } from "./errors.js";
import { BodyTooLarge, readLimited } from "../limits/read-limited.js";
import { jsonTextTooDeep } from "../limits/json-depth.js";

export interface JwksOptions {
  file?: string;
  url?: string;
  cacheSeconds: number;
  minRefreshSeconds: number;
  fetchTimeoutMs?: number;
  /** The largest key set accepted, in bytes (limits.jwks_bytes). */
  maxBytes?: number;
  /** Called when a key set could not be loaded because of a limit. */
  onLimit?: (limit: string) => void;
  /** For tests and for the clock-skew story: defaults to Date.now. */
  now?: () => number;
}

/** The `kid` of tokens signed without one: any change of the key set withdraws it. */
export const NO_KID = "";

export type KeysWithdrawn = (kids: ReadonlySet<string>) => void;

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
  /** kid → the key's JSON, to see which keys a refresh withdrew or replaced. */
  private known = new Map<string, string>();
  private readonly listeners: KeysWithdrawn[] = [];

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

  /**
   * Starts a reload in the background when the key set is older than the cache age. The
   * verifier calls it on cache hits too: traffic made only of cached tokens must still see a
   * withdrawn key within one refresh.
   */
  refreshIfStale(): void {
    if (this.set && this.now() - this.loadedAt > this.opts.cacheSeconds * 1000) void this.refresh(true);
  }

  /** Resolves when no reload is running (tests and shutdown wait on it). */
  whenIdle(): Promise<void> {
    return this.inflight ?? Promise.resolve();
  }

  onWithdrawn(listener: KeysWithdrawn): void {
    this.listeners.push(listener);
  }

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
        this.noteWithdrawn(jwks);
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

  /** Compares the new set with the last one: a kid gone or bound to other material is withdrawn. */
  private noteWithdrawn(jwks: JSONWebKeySet): void {
    const next = new Map<string, string>();
    for (const k of jwks.keys) next.set(typeof k.kid === "string" ? k.kid : NO_KID, JSON.stringify(k));
    const withdrawn = new Set<string>();
    for (const [kid, json] of this.known) if (next.get(kid) !== json) withdrawn.add(kid);
    // A token without a kid was verified by whichever key matched; any change withdraws them all.
    if (withdrawn.size || next.size !== this.known.size) withdrawn.add(NO_KID);
    const first = this.known.size === 0;
    this.known = next;
    if (!first && withdrawn.size) for (const l of this.listeners) l(withdrawn);
  }

  private async fetchSet(): Promise<JSONWebKeySet> {
    const max = this.opts.maxBytes ?? 1024 * 1024;
    const where = this.opts.file ?? this.opts.url;
    const tooLarge = (): never => {
      this.opts.onLimit?.("jwks_bytes");
      throw new RegentError(IDENTITY_JWKS_LIMIT, `the JWKS at ${where} is larger than ${max} bytes (limits.jwks_bytes)`);
    };
    let text: string;
    if (this.opts.file) {
      const bytes = await readFile(this.opts.file);
      if (bytes.length > max) tooLarge();
      text = bytes.toString("utf8");
    } else {
      const res = await fetch(this.opts.url!, {
        headers: { accept: "application/json, application/jwk-set+json" },
        signal: AbortSignal.timeout(this.opts.fetchTimeoutMs ?? 5000),
      });
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new Error(`GET ${this.opts.url} answered ${res.status}`);
      }
      try {
        text = Buffer.from(await readLimited(res, max)).toString("utf8");
      } catch (err) {
        if (err instanceof BodyTooLarge) tooLarge();
        throw err;
      }
    }
    if (jsonTextTooDeep(text, 16)) throw new Error("not a JWKS: nested deeper than a key set can be");
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || !Array.isArray((parsed as JSONWebKeySet).keys))
      throw new Error("not a JWKS: no keys array");
    return parsed as JSONWebKeySet;
  }
}
