/**
 * The sidecar's set of bundle verification keys for key rotation: keys by `kid` from files
 * (re-read every time, so a key removed from its mounted file is retired at once) and from a
 * JWKS URL (cached, refreshed on a period and early when a bundle names an unknown kid).
 */
import { readFile } from "node:fs/promises";
import { decodeProtectedHeader } from "jose";
import type { Logger } from "pino";
import type { Bundle } from "../bundle/bundle.js";
import { loadVerificationKeys } from "../bundle/keys.js";
import { readBounded } from "../bundle/oci.js";
import { RegentError } from "../errors.js";
import { AUTHZ_BUNDLE } from "./errors.js";

export interface KeyringOptions {
  /** Public keys (PEM, DER, JWK or JWKS files), each under its key id. */
  files: { keyId: string; file: string }[];
  jwksUrl?: string;
  refreshSeconds: number;
  /** The least time between two early refreshes for an unknown kid. */
  minRefreshSeconds?: number;
  timeoutMs?: number;
  now?: () => number;
}

export interface KeyEntry {
  kid?: string;
  key: string | Uint8Array;
}

const MAX_JWKS_BYTES = 1024 * 1024;

export class BundleKeyring {
  private remote: KeyEntry[] = [];
  private remoteKids = new Set<string>();
  private fetchedAt = -Infinity;
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: KeyringOptions, private readonly log?: Logger) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Reads every key file now; throws at start for a file that is missing or not a public key. */
  async check(): Promise<void> {
    for (const f of this.opts.files) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(f.file));
      } catch (err) {
        throw new RegentError(AUTHZ_BUNDLE, `bundle.verification.keys: cannot read ${f.file} (key id ${f.keyId}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      try {
        loadVerificationKeys(bytes, f.keyId);
      } catch (err) {
        throw new RegentError(AUTHZ_BUNDLE, `bundle.verification.keys: key id ${f.keyId} (${f.file}): ${(err as Error).message}`);
      }
    }
    if (this.opts.jwksUrl) {
      await this.refresh();
      // Refreshed in the background too, so a retired key is gone before the next bundle arrives.
      this.timer = setInterval(() => void this.refresh(), this.opts.refreshSeconds * 1000);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Fetches the JWKS; on failure the last good keys stay (logged), so a flaky key server retires nothing. */
  private refresh(): Promise<void> {
    this.inflight ??= (async () => {
      const url = this.opts.jwksUrl!;
      try {
        const res = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
        if (res.status !== 200) throw new Error(`answered ${res.status}`);
        const text = new TextDecoder().decode(await readBounded(res, MAX_JWKS_BYTES, "the JWKS"));
        const parsed = loadVerificationKeys(text);
        this.remote = [{ key: text }];
        this.remoteKids = new Set(parsed.map((k) => k.kid).filter((k): k is string => k !== undefined));
      } catch (err) {
        const reason = err instanceof RegentError ? `${err.code}: ${err.message}` : ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
        this.log?.warn({ msg: "bundle JWKS not refreshed; the last good keys stay", url, error: reason });
      } finally {
        this.fetchedAt = this.now();
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  /** The keys to verify `bundle` with: the files as they are now, and the JWKS (refreshed when due or when the kid is new). */
  async keysFor(bundle: Bundle): Promise<KeyEntry[]> {
    const keys: KeyEntry[] = [];
    for (const f of this.opts.files) {
      try {
        keys.push({ kid: f.keyId, key: new Uint8Array(await readFile(f.file)) });
      } catch (err) {
        this.log?.warn({ msg: "bundle key file not readable; key retired until it is back", key_id: f.keyId, file: f.file, error: (err as NodeJS.ErrnoException).code });
      }
    }
    if (this.opts.jwksUrl) {
      const age = this.now() - this.fetchedAt;
      const kid = signatureKid(bundle);
      const unknown = kid !== undefined && !this.remoteKids.has(kid) && !this.opts.files.some((f) => f.keyId === kid);
      if (age >= this.opts.refreshSeconds * 1000 || (unknown && age >= Math.min(this.opts.minRefreshSeconds ?? 10, this.opts.refreshSeconds) * 1000)) await this.refresh();
      keys.push(...this.remote);
    }
    if (keys.length === 0) throw new RegentError(AUTHZ_BUNDLE, "no bundle verification key is available (key files unreadable, JWKS not fetched)");
    return keys;
  }
}

/** The kid of the bundle's (first) signature header, unverified: only used to decide whether to refresh. */
function signatureKid(bundle: Bundle): string | undefined {
  const token = bundle.signatures?.signatures[0];
  if (!token) return undefined;
  try {
    const kid = decodeProtectedHeader(token).kid;
    return typeof kid === "string" ? kid : undefined;
  } catch {
    return undefined;
  }
}
