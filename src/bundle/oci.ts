/**
 * A small OCI distribution client on Node's fetch: pushes and pulls a bundle as an image
 * manifest with one layer, answering Basic and Bearer (token service) challenges, verifying
 * the digest of everything it pulls, and bounding every response it reads.
 */
import { bundleError } from "./errors.js";
import type { RegentError } from "../errors.js";
import {
  buildBundleManifest, bundleConfig, formatReference, manifestReference, MAX_MANIFEST_BYTES, OCI_MANIFEST_TYPE,
  parseBundleManifest, parseChallenge, sha256Digest, type BundleManifest, type OciReference,
} from "./oci-format.js";

export interface OciCredentials {
  username?: string;
  password?: string;
  /** A ready bearer token, sent as is (no token service round trip). */
  token?: string;
}

export interface OciClientOptions {
  credentials?: OciCredentials;
  timeoutMs?: number;
  /** The largest bundle layer accepted, in bytes (default 512 MiB). */
  maxBlobBytes?: number;
  fetch?: typeof fetch;
  userAgent?: string;
}

export interface PulledManifest {
  digest: string;
  bytes: Uint8Array;
  manifest: BundleManifest;
}

export interface PushResult {
  digest: string;
  layerDigest: string;
  reference: string;
}

const DEFAULT_MAX_BLOB = 512 * 1024 * 1024;

/** A registry error that carried a `Retry-After` (429, 503): the poller honours it. */
export type OciError = RegentError & { retryAfter?: string };
const ACCEPT_MANIFEST = OCI_MANIFEST_TYPE;

/** Reads a body up to `max` bytes; more is a `bundle_oci_error`, never an unbounded buffer. */
export async function readBounded(res: Response, max: number, what: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw bundleError("oci", `${what} is ${declared} bytes, over the limit of ${max} bytes`);
  }
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw bundleError("oci", `${what} is over the limit of ${max} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export class OciClient {
  private readonly tokens = new Map<string, string>();
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: OciClientOptions = {}) {
    this.fetchImpl = opts.fetch ?? fetch;
  }

  /** One request, answering a 401 challenge once (Basic: the credentials; Bearer: a token for the scope). */
  private async request(ref: OciReference, method: string, url: string, init: { headers?: Record<string, string>; body?: Uint8Array; push?: boolean } = {}): Promise<Response> {
    const scope = `repository:${ref.repository}:${init.push ? "pull,push" : "pull"}`;
    // Credentials go to the registry's own origin only, never to an upload Location elsewhere.
    const sameOrigin = new URL(url).origin === new URL(ref.baseUrl).origin;
    const send = (auth: string | undefined): Promise<Response> => {
      const headers: Record<string, string> = { "user-agent": this.opts.userAgent ?? "regent", ...init.headers };
      if (auth && sameOrigin) headers.authorization = auth;
      return this.fetchImpl(url, { method, headers, body: init.body as BodyInit | undefined, redirect: "follow", signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) });
    };
    const first = await this.call(method, url, () => send(this.initialAuth(ref, scope)));
    if (first.status !== 401 || !sameOrigin) return first;
    const header = first.headers.get("www-authenticate");
    await first.body?.cancel().catch(() => undefined);
    const challenge = header ? parseChallenge(header) : undefined;
    if (!challenge) throw bundleError("auth", `${method} ${url}: 401 with no usable WWW-Authenticate challenge`);
    let auth: string;
    if (challenge.scheme === "basic") {
      auth = this.basicAuth() ?? "";
      if (!auth) throw bundleError("auth", `${ref.registry} wants a username and password (Basic realm "${challenge.params.realm ?? ""}"); none were given`);
    } else if (challenge.scheme === "bearer") {
      auth = `Bearer ${await this.fetchToken(ref, challenge.params, scope)}`;
    } else {
      throw bundleError("auth", `${ref.registry} asks for ${challenge.scheme} authentication, which regent does not speak (Basic or Bearer)`);
    }
    const second = await this.call(method, url, () => send(auth));
    if (second.status === 401 || second.status === 403) {
      await second.body?.cancel().catch(() => undefined);
      throw bundleError("auth", `${ref.registry} refused the credentials for ${ref.repository} (${second.status})`);
    }
    return second;
  }

  private async call(method: string, url: string, go: () => Promise<Response>): Promise<Response> {
    try {
      return await go();
    } catch (err) {
      const cause = (err as Error).cause as Error | undefined;
      throw bundleError("oci", `${method} ${url}: ${cause?.message ?? (err as Error).message}`);
    }
  }

  private initialAuth(ref: OciReference, scope: string): string | undefined {
    if (this.opts.credentials?.token) return `Bearer ${this.opts.credentials.token}`;
    const cached = this.tokens.get(`${ref.registry} ${scope}`);
    return cached ? `Bearer ${cached}` : undefined;
  }

  private basicAuth(): string | undefined {
    const c = this.opts.credentials;
    if (!c?.username) return undefined;
    return `Basic ${Buffer.from(`${c.username}:${c.password ?? ""}`).toString("base64")}`;
  }

  /** The distribution token flow: GET realm?service=…&scope=… (with Basic credentials if any) → {token | access_token}. */
  private async fetchToken(ref: OciReference, params: Record<string, string>, scope: string): Promise<string> {
    if (!params.realm) throw bundleError("auth", `${ref.registry}: the Bearer challenge names no realm`);
    let url: URL;
    try {
      url = new URL(params.realm);
    } catch {
      throw bundleError("auth", `${ref.registry}: the Bearer realm "${params.realm}" is not a URL`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw bundleError("auth", `${ref.registry}: the Bearer realm must be http(s)`);
    if (params.service) url.searchParams.set("service", params.service);
    url.searchParams.set("scope", params.scope ?? scope);
    const headers: Record<string, string> = {};
    const basic = this.basicAuth();
    if (basic) headers.authorization = basic;
    const res = await this.call("GET", url.origin + url.pathname, () => this.fetchImpl(url, { headers, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) }));
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      throw bundleError("auth", `the token service ${url.origin}${url.pathname} answered ${res.status}`);
    }
    let body: { token?: unknown; access_token?: unknown };
    try {
      body = JSON.parse(new TextDecoder().decode(await readBounded(res, 1024 * 1024, "the token response"))) as typeof body;
    } catch (err) {
      throw bundleError("auth", `the token service answered something that is not JSON: ${(err as Error).message}`);
    }
    const token = typeof body?.token === "string" ? body.token : typeof body?.access_token === "string" ? body.access_token : undefined;
    if (!token) throw bundleError("auth", "the token service answered no token");
    this.tokens.set(`${ref.registry} ${scope}`, token);
    return token;
  }

  private url(ref: OciReference, path: string): string {
    return `${ref.baseUrl}/v2/${ref.repository}/${path}`;
  }

  private async fail(res: Response, what: string): Promise<never> {
    let detail = "";
    try {
      const text = new TextDecoder().decode(await readBounded(res, 16 * 1024, "the error body"));
      const errors = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors;
      if (Array.isArray(errors) && errors.length) detail = `: ${errors.map((e) => [e.code, e.message].filter(Boolean).join(" ")).join("; ")}`;
    } catch {
      // no structured error body
    }
    const err = bundleError("oci", `${what} answered ${res.status}${detail}`);
    const retryAfter = res.headers.get("retry-after");
    if (retryAfter !== null) (err as OciError).retryAfter = retryAfter;
    throw err;
  }

  /** The manifest's digest without its body (HEAD); falls back to a GET when the registry sends no digest header. */
  async resolveDigest(ref: OciReference): Promise<string> {
    if (ref.digest) return ref.digest;
    const url = this.url(ref, `manifests/${manifestReference(ref)}`);
    const res = await this.request(ref, "HEAD", url, { headers: { accept: ACCEPT_MANIFEST } });
    if (res.status !== 200) return this.fail(res, `HEAD ${formatReference(ref)}`);
    const digest = res.headers.get("docker-content-digest");
    if (digest && /^sha256:[0-9a-f]{64}$/.test(digest)) return digest;
    return (await this.getManifest(ref)).digest;
  }

  /** GETs and validates the manifest; its digest is computed here and must match the pinned one (and the registry's header). */
  async getManifest(ref: OciReference): Promise<PulledManifest> {
    const url = this.url(ref, `manifests/${manifestReference(ref)}`);
    const res = await this.request(ref, "GET", url, { headers: { accept: ACCEPT_MANIFEST } });
    if (res.status !== 200) return this.fail(res, `GET ${formatReference(ref)}`);
    const bytes = await readBounded(res, MAX_MANIFEST_BYTES, "the manifest");
    const digest = sha256Digest(bytes);
    if (ref.digest && digest !== ref.digest) throw bundleError("digest", `the manifest of ${formatReference(ref)} has digest ${digest}, not the pinned ${ref.digest}`);
    const header = res.headers.get("docker-content-digest");
    if (header && header.startsWith("sha256:") && header !== digest) throw bundleError("digest", `the registry says the manifest is ${header}, but its bytes hash to ${digest}`);
    return { digest, bytes, manifest: parseBundleManifest(bytes, res.headers.get("content-type") ?? undefined) };
  }

  /** GETs a blob and checks its size and digest; a mismatch is `bundle_digest_error`. */
  async getBlob(ref: OciReference, digest: string, size?: number): Promise<Uint8Array> {
    const max = this.opts.maxBlobBytes ?? DEFAULT_MAX_BLOB;
    if (size !== undefined && size > max) throw bundleError("oci", `the bundle layer is ${size} bytes, over the limit of ${max} bytes`);
    const res = await this.request(ref, "GET", this.url(ref, `blobs/${digest}`));
    if (res.status !== 200) return this.fail(res, `GET blob ${digest}`);
    const bytes = await readBounded(res, size !== undefined ? Math.min(size, max) : max, `blob ${digest}`);
    const actual = sha256Digest(bytes);
    if (actual !== digest) throw bundleError("digest", `blob ${digest} arrived with digest ${actual}`);
    if (size !== undefined && bytes.length !== size) throw bundleError("digest", `blob ${digest} is ${bytes.length} bytes; the manifest says ${size}`);
    return bytes;
  }

  /** Pulls the bundle: manifest, then its one layer, each verified against its digest. */
  async pullBundle(ref: OciReference): Promise<{ bytes: Uint8Array; digest: string; layerDigest: string }> {
    const m = await this.getManifest(ref);
    const bytes = await this.getBlob(ref, m.manifest.layer.digest, m.manifest.layer.size);
    return { bytes, digest: m.digest, layerDigest: m.manifest.layer.digest };
  }

  private async blobExists(ref: OciReference, digest: string): Promise<boolean> {
    const res = await this.request(ref, "HEAD", this.url(ref, `blobs/${digest}`), { push: true });
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    return this.fail(res, `HEAD blob ${digest}`);
  }

  /** Monolithic upload: POST an upload session, PUT the bytes with ?digest=. Skipped when the blob is there. */
  private async pushBlob(ref: OciReference, bytes: Uint8Array): Promise<string> {
    const digest = sha256Digest(bytes);
    if (await this.blobExists(ref, digest)) return digest;
    const start = await this.request(ref, "POST", this.url(ref, "blobs/uploads/"), { push: true, headers: { "content-length": "0" } });
    await start.body?.cancel().catch(() => undefined);
    if (start.status !== 202) return this.fail(start, `POST ${formatReference(ref)} blob upload`);
    const location = start.headers.get("location");
    if (!location) throw bundleError("oci", "the registry started an upload but sent no Location");
    const target = new URL(location, ref.baseUrl + "/");
    target.searchParams.set("digest", digest);
    const put = await this.request(ref, "PUT", target.toString(), {
      push: true,
      body: bytes,
      headers: { "content-type": "application/octet-stream", "content-length": String(bytes.length) },
    });
    await put.body?.cancel().catch(() => undefined);
    if (put.status !== 201) return this.fail(put, `PUT blob ${digest}`);
    return digest;
  }

  /** Pushes a bundle archive under the reference's tag (or by digest) and returns the manifest digest. */
  async pushBundle(ref: OciReference, bundle: Uint8Array, annotations: Record<string, string> = {}): Promise<PushResult> {
    const config = bundleConfig();
    await this.pushBlob(ref, config);
    const layerDigest = await this.pushBlob(ref, bundle);
    const manifest = buildBundleManifest(config, bundle, annotations);
    const digest = sha256Digest(manifest);
    if (ref.digest && ref.digest !== digest) throw bundleError("digest", `the manifest for this bundle is ${digest}, not ${ref.digest}; push to a tag instead`);
    const res = await this.request(ref, "PUT", this.url(ref, `manifests/${ref.tag ?? digest}`), {
      push: true,
      body: manifest,
      headers: { "content-type": OCI_MANIFEST_TYPE, "content-length": String(manifest.length) },
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status !== 201) return this.fail(res, `PUT manifest ${formatReference(ref)}`);
    const said = res.headers.get("docker-content-digest");
    if (said && said !== digest) throw bundleError("digest", `the registry stored the manifest as ${said}, but it hashes to ${digest}`);
    return { digest, layerDigest, reference: `oci://${ref.registry}/${ref.repository}@${digest}` };
  }
}
