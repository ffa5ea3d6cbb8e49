/**
 * The sidecar's OCI bundle source: the manifest digest is the change check (a HEAD of the tag,
 * or nothing at all for a pinned @sha256 reference); the manifest and the layer are only
 * fetched, by digest and verified against it, when that digest differs from the known one.
 */
import { createHash } from "node:crypto";
import { OciClient, type OciCredentials, type OciError } from "../bundle/oci.js";
import { formatReference, parseOciReference, type OciReference } from "../bundle/oci-format.js";
import { RegentError } from "../errors.js";
import { AUTHZ_BUNDLE_FETCH } from "./errors.js";

export interface OciSourceOptions {
  credentials?: OciCredentials;
  plainHttp?: boolean;
  timeoutMs?: number;
  maxBlobBytes?: number;
}

export interface OciFetched {
  bytes: Uint8Array;
  /** SHA-256 (hex) of the archive, as the other sources report it. */
  digest: string;
  /** The manifest digest: the change check, kept as the ETag is for HTTP. */
  etag: string;
}

export class OciBundleSource {
  /** The registry's last `Retry-After` (429/503), for the schedule; cleared by every fetch. */
  retryAfter: string | undefined;
  private readonly ref: OciReference;
  private readonly client: OciClient;

  constructor(source: string, opts: OciSourceOptions = {}) {
    this.ref = parseOciReference(source, { plainHttp: opts.plainHttp });
    this.client = new OciClient({ credentials: opts.credentials, timeoutMs: opts.timeoutMs, maxBlobBytes: opts.maxBlobBytes });
  }

  /** "unchanged" when the manifest digest is `known`; else the verified archive. Registry errors keep their bundle_* code in the message. */
  async fetch(known: string | undefined): Promise<OciFetched | "unchanged"> {
    this.retryAfter = undefined;
    try {
      const digest = await this.client.resolveDigest(this.ref);
      if (digest === known) return "unchanged";
      const pulled = await this.client.pullBundle({ ...this.ref, digest });
      return { bytes: pulled.bytes, digest: createHash("sha256").update(pulled.bytes).digest("hex"), etag: pulled.digest };
    } catch (err) {
      this.retryAfter = (err as OciError).retryAfter;
      const detail = err instanceof RegentError ? `${err.code}: ${err.message}` : (err as Error).message;
      throw new RegentError(AUTHZ_BUNDLE_FETCH, `${formatReference(this.ref)}: ${detail}`);
    }
  }
}
