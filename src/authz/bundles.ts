/**
 * Gets bundles to the sidecar: from a file or folder (watched, and polled as a fallback) or
 * from an HTTP bundle service (polled with If-None-Match/ETag, 304, jittered backoff). A bundle
 * is verified (when keys are configured) and activated before it is persisted as last known
 * good; a bad one is rejected with a log line and a metric while the old one keeps serving.
 */
import { createHash } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Logger } from "pino";
import { readBundle, readBundleFiles, verifyBundle, type Bundle } from "../bundle/index.js";
import { RegentError } from "../errors.js";
import { AUTHZ_BUNDLE, AUTHZ_BUNDLE_FETCH } from "./errors.js";
import { BundleLimitError, checkedBundle, folderLimits, limitOf, readBundleBody, readBundleLimited, type BundleLimits } from "../bundle/limits.js";

export interface BundleSourceOptions {
  source: string;
  pollMinSeconds: number;
  pollMaxSeconds: number;
  persistDir?: string;
  bearerToken?: string;
  /** A public verification key (PEM, DER, JWK or JWKS); neither it nor `secret` means bundles are not verified. */
  key?: string | Uint8Array;
  /** An HMAC verification secret, given explicitly as one. */
  secret?: Uint8Array;
  keyId?: string;
  scope?: string;
  fetchTimeoutMs?: number;
  /** Size, count and depth limits enforced while a bundle streams in (limits.bundle_*). */
  limits?: BundleLimits;
  /** Counts a bundle refused by one of those limits. */
  onLimit?: (limit: string) => void;
}

/** Makes a bundle live (instantiate + swap); throws to refuse it. `bytes` is the .tar.gz when there is one. */
export type Activate = (bundle: Bundle, bytes: Uint8Array | undefined) => Promise<void>;

export interface BundleStatus {
  source: string;
  active_revision?: string;
  activated_at?: string;
  origin?: "source" | "persisted";
  etag?: string;
  last_attempt?: string;
  last_error?: string;
  consecutive_failures: number;
  activations: number;
  rejections: number;
}

interface PersistMeta {
  source: string;
  etag?: string;
  revision?: string;
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

export class BundleActivator {
  readonly status: BundleStatus;
  private digest: string | undefined;
  private etag: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private running = false;
  private busy: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly opts: BundleSourceOptions,
    private readonly activate: Activate,
    private readonly log: Logger,
    private readonly onReject: (reason: string) => void,
  ) {
    this.status = { source: opts.source, consecutive_failures: 0, activations: 0, rejections: 0 };
  }

  /** First load: the source, else the persisted bundle; then keeps polling or watching. */
  async start(): Promise<void> {
    this.running = true;
    await this.poll();
    if (!this.status.active_revision && this.status.activations === 0) await this.loadPersisted();
    if (!isUrl(this.opts.source)) await this.watchLocal();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
  }

  /** One fetch-verify-activate round; rounds never overlap, and a request during one queues one more. */
  poll(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return this.busy;
    }
    this.busy = this.round().finally(() => {
      this.busy = undefined;
      if (this.again && this.running) {
        this.again = false;
        void this.poll();
      }
    });
    return this.busy;
  }

  private async round(): Promise<void> {
    this.status.last_attempt = new Date().toISOString();
    let fetched: { bytes?: Uint8Array; bundle?: Bundle; digest: string; etag?: string } | "unchanged";
    try {
      fetched = isUrl(this.opts.source) ? await this.fetchHttp() : await this.fetchLocal();
    } catch (err) {
      if (this.limitHit(err)) return this.reject(messageOf(err));
      this.status.consecutive_failures++;
      this.status.last_error = messageOf(err);
      this.log.warn({ msg: "bundle source unavailable", source: this.opts.source, error: this.status.last_error });
      return;
    }
    if (fetched === "unchanged") {
      this.status.consecutive_failures = 0;
      return;
    }
    try {
      const bundle = fetched.bundle ?? (await this.readBytes(fetched.bytes!));
      await this.verifyAndActivate(bundle, fetched.bytes, "source");
      this.digest = fetched.digest;
      this.etag = fetched.etag;
      this.status.etag = fetched.etag;
      this.status.consecutive_failures = 0;
      this.status.last_error = undefined;
      if (fetched.bytes) await this.persist(fetched.bytes, bundle);
    } catch (err) {
      // Remember the digest so the same bad bundle is not re-read and re-rejected every round.
      this.digest = fetched.digest;
      this.etag = fetched.etag;
      this.limitHit(err);
      this.reject(messageOf(err));
    }
  }

  /** Archive bytes through the bounded streaming reader when limits are configured. */
  private readBytes(bytes: Uint8Array): Promise<Bundle> {
    const { limits, key, secret, keyId, scope } = this.opts;
    if (!limits) return readBundle(bytes);
    const verify = key !== undefined || secret !== undefined ? { key, secret, keyId, scope } : undefined;
    return readBundleLimited(bytes, limits, verify);
  }

  private limitHit(err: unknown): boolean {
    const limit = limitOf(err);
    if (limit) this.opts.onLimit?.(limit);
    return limit !== undefined;
  }

  private reject(reason: string): void {
    this.status.rejections++;
    this.status.consecutive_failures++;
    this.status.last_error = reason;
    this.log.error({ msg: "bundle rejected; the active bundle keeps serving", source: this.opts.source, reason, active_revision: this.status.active_revision });
    this.onReject(reason);
  }

  private async verifyAndActivate(bundle: Bundle, bytes: Uint8Array | undefined, origin: "source" | "persisted"): Promise<void> {
    if (this.opts.key !== undefined || this.opts.secret !== undefined) {
      const report = await verifyBundle(bundle, { key: this.opts.key, secret: this.opts.secret, keyId: this.opts.keyId, scope: this.opts.scope });
      if (!report.ok) throw new RegentError(AUTHZ_BUNDLE, `bundle verification failed: ${report.problems.join("; ")}`);
    }
    await this.activate(bundle, bytes);
    const revision = typeof bundle.manifest.revision === "string" ? bundle.manifest.revision : "";
    this.status.active_revision = revision;
    this.status.activated_at = new Date().toISOString();
    this.status.origin = origin;
    this.status.activations++;
    this.log.info({ msg: "bundle activated", source: this.opts.source, revision, origin });
  }

  private async fetchHttp(): Promise<{ bytes: Uint8Array; digest: string; etag?: string } | "unchanged"> {
    const headers: Record<string, string> = { accept: "application/gzip, application/vnd.openpolicyagent.bundles" };
    if (this.etag) headers["if-none-match"] = this.etag;
    if (this.opts.bearerToken) headers.authorization = `Bearer ${this.opts.bearerToken}`;
    let res: Response;
    try {
      res = await fetch(this.opts.source, { headers, signal: AbortSignal.timeout(this.opts.fetchTimeoutMs ?? 10_000) });
    } catch (err) {
      throw new RegentError(AUTHZ_BUNDLE_FETCH, `GET ${this.opts.source}: ${messageOf((err as Error).cause ?? err)}`);
    }
    if (res.status === 304) return "unchanged";
    if (res.status !== 200) throw new RegentError(AUTHZ_BUNDLE_FETCH, `GET ${this.opts.source} answered ${res.status}`);
    const bytes = this.opts.limits ? await readBundleBody(res, this.opts.limits) : new Uint8Array(await res.arrayBuffer());
    const digest = sha256(bytes);
    if (digest === this.digest) return "unchanged";
    return { bytes, digest, etag: res.headers.get("etag") ?? undefined };
  }

  private async fetchLocal(): Promise<{ bytes?: Uint8Array; bundle?: Bundle; digest: string } | "unchanged"> {
    const path = this.opts.source;
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      throw new RegentError(AUTHZ_BUNDLE_FETCH, `cannot read bundle ${path}: ${err.code ?? err.message}`);
    });
    const limits = this.opts.limits ? { limits: folderLimits(this.opts.limits) } : {};
    if (info.isDirectory()) {
      const files = await readBundleFiles(path, limits);
      const h = createHash("sha256");
      for (const [name, data] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) h.update(name).update("\0").update(data).update("\0");
      const digest = h.digest("hex");
      if (digest === this.digest) return "unchanged";
      return { bundle: this.opts.limits ? checkedBundle(files, this.opts.limits) : await readBundle(path), digest };
    }
    if (this.opts.limits && info.size > this.opts.limits.downloadBytes)
      throw new BundleLimitError("bundle_download_bytes", `${path} is ${info.size} bytes, over the limit of ${this.opts.limits.downloadBytes} bytes (limits.bundle_download_bytes)`);
    const bytes = new Uint8Array(await readFile(path));
    const digest = sha256(bytes);
    if (digest === this.digest) return "unchanged";
    return { bytes, digest };
  }

  private async loadPersisted(): Promise<void> {
    const dir = this.opts.persistDir;
    if (!dir) return;
    let bytes: Uint8Array;
    let meta: PersistMeta = { source: "" };
    try {
      bytes = new Uint8Array(await readFile(join(dir, "bundle.tar.gz")));
      meta = JSON.parse(await readFile(join(dir, "bundle.json"), "utf8")) as PersistMeta;
    } catch {
      return; // nothing persisted yet
    }
    if (meta.source !== this.opts.source) {
      this.log.warn({ msg: "persisted bundle came from another source; not used", persisted_source: meta.source, source: this.opts.source });
      return;
    }
    try {
      const bundle = await this.readBytes(bytes);
      // Re-verified: the disk is not more trusted than the network.
      await this.verifyAndActivate(bundle, bytes, "persisted");
      this.etag = meta.etag;
      this.status.etag = meta.etag;
      this.digest = sha256(bytes);
    } catch (err) {
      this.reject(`persisted bundle: ${messageOf(err)}`);
    }
  }

  private async persist(bytes: Uint8Array, bundle: Bundle): Promise<void> {
    const dir = this.opts.persistDir;
    if (!dir) return;
    try {
      await mkdir(dir, { recursive: true });
      const meta: PersistMeta = { source: this.opts.source, etag: this.etag, revision: String(bundle.manifest.revision ?? "") };
      // Write-then-rename, so a crash mid-write never leaves a half bundle as last known good.
      await writeFile(join(dir, "bundle.tar.gz.tmp"), bytes);
      await rename(join(dir, "bundle.tar.gz.tmp"), join(dir, "bundle.tar.gz"));
      await writeFile(join(dir, "bundle.json.tmp"), JSON.stringify(meta));
      await rename(join(dir, "bundle.json.tmp"), join(dir, "bundle.json"));
    } catch (err) {
      this.log.error({ msg: "cannot persist the bundle", dir, error: messageOf(err) });
    }
  }

  /** Interval: uniform in [min, max]; after failures, doubling from min up to max, jittered. */
  nextDelayMs(): number {
    const min = this.opts.pollMinSeconds * 1000;
    const max = this.opts.pollMaxSeconds * 1000;
    const f = this.status.consecutive_failures;
    if (f === 0) return min + Math.random() * (max - min);
    const base = Math.min(max, min * 2 ** Math.min(f - 1, 20));
    return base / 2 + Math.random() * (base / 2);
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => this.schedule());
    }, this.nextDelayMs());
    this.timer.unref();
  }

  /** Reacts to a replaced file, or a change inside a bundle folder, at once instead of at the next poll. */
  private async watchLocal(): Promise<void> {
    const path = this.opts.source;
    const isDir = await stat(path).then((s) => s.isDirectory(), () => false);
    try {
      if (isDir) {
        this.watcher = watch(path, { persistent: false, recursive: true }, () => void this.poll());
      } else {
        const target = basename(path);
        this.watcher = watch(dirname(path), { persistent: false }, (_ev, name) => {
          if (name === null || name === target || name.toString().startsWith(target)) void this.poll();
        });
      }
      this.watcher.on("error", () => this.watcher?.close());
    } catch {
      // Polling still covers it.
    }
  }
}

function sha256(b: Uint8Array): string {
  return createHash("sha256").update(b).digest("hex");
}

function messageOf(err: unknown): string {
  if (err instanceof RegentError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
