/**
 * Gets bundles to the sidecar: from a file or folder (watched, and polled as a fallback), from
 * an HTTP bundle service (If-None-Match/ETag, 304, long polling; schedule in poll-schedule.ts) or
 * an OCI registry (oci-source.ts); a delta bundle patches the active one (bundle/delta.ts). A bundle
 * is verified (when keys are configured) and activated before it is persisted as last known
 * good; a bad one is rejected with a log line and a metric while the old one keeps serving.
 */
import { createHash } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Logger } from "pino";
import type { Bundle } from "../bundle/bundle.js";
import { readBundle, readFolderSnapshot } from "../bundle/fs.js";
import { parseBundleFiles } from "../bundle/bundle.js";
import { DEFAULT_LIMITS } from "../bundle/tar.js";
import { verifyBundle } from "../bundle/verify.js";
import { RegentError } from "../errors.js";
import { AUTHZ_BUNDLE, AUTHZ_BUNDLE_FETCH } from "./errors.js";
import { isOciSource } from "../bundle/oci-format.js";
import { OciBundleSource, type OciSourceOptions } from "./oci-source.js";
import type { BundleKeyring } from "./bundle-keys.js";
import { applyDelta, isDeltaBundle } from "../bundle/delta.js";
import { isLongPollResponse, nextPollDelayMs, parseRetryAfter, type PollHint } from "./poll-schedule.js";
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
  /** Rotating keys by kid (files and/or a JWKS URL); when set, `key` and `secret` are not used. */
  keyring?: BundleKeyring;
  /** Cap of the backoff after failures (default pollMaxSeconds). */
  backoffMaxSeconds?: number;
  /** OPA's long polling: `Prefer: wait=N` on HTTP polls; used when the server answers in long-poll mode. */
  longPollingTimeoutSeconds?: number;
  /** Told after every round whether the source answered (for the last-success metric). */
  onPoll?: (ok: boolean) => void;
  /** Registry credentials and transport for an `oci://` source. */
  oci?: OciSourceOptions;
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
  last_success?: string;
  long_polling?: boolean;
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

/** How long a bundle folder must be still before it is read: longer than any pause inside one copy. */
const FOLDER_SETTLE_MS = 300;

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);
/** A remote source is polled; a local one is also watched. */
const isRemote = (s: string): boolean => isUrl(s) || isOciSource(s);

export class BundleActivator {
  readonly status: BundleStatus;
  private digest: string | undefined;
  private etag: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private running = false;
  private busy: Promise<void> | undefined;
  private again = false;
  private oci: OciBundleSource | undefined;
  /** The bundle now live (a delta's result included): what the next delta applies to. */
  private active: Bundle | undefined;
  /** What the last HTTP answer said about the next poll (Retry-After, long polling). */
  private hint: PollHint = {};

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
    await this.opts.keyring?.check();
    await this.poll();
    if (!this.status.active_revision && this.status.activations === 0) await this.loadPersisted();
    if (!isRemote(this.opts.source)) await this.watchLocal();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.opts.keyring?.stop();
    if (this.timer) clearTimeout(this.timer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
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
      fetched = isOciSource(this.opts.source) ? await this.fetchOci() : isUrl(this.opts.source) ? await this.fetchHttp() : await this.fetchLocal();
    } catch (err) {
      if (this.limitHit(err)) return this.reject(messageOf(err));
      this.status.consecutive_failures++;
      this.status.last_error = messageOf(err);
      this.log.warn({ msg: "bundle source unavailable", source: this.opts.source, error: this.status.last_error });
      this.opts.onPoll?.(false);
      return;
    }
    this.status.last_success = new Date().toISOString();
    this.opts.onPoll?.(true);
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
      // Only snapshots are persisted (as OPA does): a delta means nothing without the bundle it patched.
      if (fetched.bytes && !isDeltaBundle(bundle)) await this.persist(fetched.bytes, bundle);
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
    if (this.opts.keyring || this.opts.key !== undefined || this.opts.secret !== undefined) {
      const report = this.opts.keyring
        ? await verifyBundle(bundle, { keys: await this.opts.keyring.keysFor(bundle), scope: this.opts.scope })
        : await verifyBundle(bundle, { key: this.opts.key, secret: this.opts.secret, keyId: this.opts.keyId, scope: this.opts.scope });
      if (!report.ok) throw new RegentError(AUTHZ_BUNDLE, `bundle verification failed: ${report.problems.join("; ")}`);
    }
    // A delta patches a copy of the active snapshot's data; the patched whole is swapped in like any bundle.
    const delta = isDeltaBundle(bundle);
    if (delta && !this.active) throw new RegentError(AUTHZ_BUNDLE, "a delta bundle arrived but no snapshot bundle is active to apply it to");
    const live = delta ? applyDelta(this.active!, bundle) : bundle;
    await this.activate(live, delta ? undefined : bytes);
    this.active = live;
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
    const wait = this.opts.longPollingTimeoutSeconds;
    if (wait) headers.prefer = `wait=${wait}`;
    this.hint = {};
    if (this.opts.bearerToken) headers.authorization = `Bearer ${this.opts.bearerToken}`;
    let res: Response;
    try {
      res = await fetch(this.opts.source, { headers, signal: AbortSignal.timeout((this.opts.fetchTimeoutMs ?? 10_000) + (wait ?? 0) * 1000) });
    } catch (err) {
      throw new RegentError(AUTHZ_BUNDLE_FETCH, `GET ${this.opts.source}: ${messageOf((err as Error).cause ?? err)}`);
    }
    this.hint = { longPoll: isLongPollResponse(res.headers.get("content-type")), retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), Date.now()) };
    this.status.long_polling = this.hint.longPoll;
    if (res.status === 304) return "unchanged";
    if (res.status !== 200) throw new RegentError(AUTHZ_BUNDLE_FETCH, `GET ${this.opts.source} answered ${res.status}`);
    const bytes = this.opts.limits ? await readBundleBody(res, this.opts.limits) : new Uint8Array(await res.arrayBuffer());
    const digest = sha256(bytes);
    if (digest === this.digest) return "unchanged";
    return { bytes, digest, etag: res.headers.get("etag") ?? undefined };
  }

  /** OCI: the manifest digest is the change check (kept where HTTP keeps its ETag). */
  private fetchOci(): Promise<{ bytes: Uint8Array; digest: string; etag: string } | "unchanged"> {
    const oci = (this.oci ??= new OciBundleSource(this.opts.source, { timeoutMs: this.opts.fetchTimeoutMs, ...this.opts.oci }));
    return oci.fetch(this.etag).finally(() => (this.hint = { retryAfterMs: parseRetryAfter(oci.retryAfter, Date.now()) }));
  }

  private async fetchLocal(): Promise<{ bytes?: Uint8Array; bundle?: Bundle; digest: string } | "unchanged"> {
    const path = this.opts.source;
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      throw new RegentError(AUTHZ_BUNDLE_FETCH, `cannot read bundle ${path}: ${err.code ?? err.message}`);
    });
    const limits = this.opts.limits ? { limits: folderLimits(this.opts.limits) } : {};
    if (info.isDirectory()) {
      const snapshot = await readFolderSnapshot(path, { ...DEFAULT_LIMITS, ...limits.limits }, FOLDER_SETTLE_MS);
      if ("settlingMs" in snapshot) {
        this.pollAfter(snapshot.settlingMs);
        return "unchanged";
      }
      const files = snapshot.files;
      const h = createHash("sha256");
      for (const [name, data] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) h.update(name).update("\0").update(data).update("\0");
      const digest = h.digest("hex");
      if (digest === this.digest) return "unchanged";
      return { bundle: this.opts.limits ? checkedBundle(files, this.opts.limits) : parseBundleFiles(files), digest };
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
    let meta: PersistMeta;
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

  /** See poll-schedule.ts: jittered interval, capped jittered backoff, Retry-After as a floor, long polling. */
  nextDelayMs(): number {
    const opts = { minSeconds: this.opts.pollMinSeconds, maxSeconds: this.opts.pollMaxSeconds, backoffMaxSeconds: this.opts.backoffMaxSeconds };
    return nextPollDelayMs(opts, this.status.consecutive_failures, this.hint);
  }

  /** One more round once a bundle folder has been still long enough to be read as one revision. */
  private pollAfter(ms: number): void {
    if (!this.running || this.settleTimer) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      void this.poll();
    }, ms);
    this.settleTimer.unref();
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
