/**
 * The pure half of regent's OCI support: `oci://` references, `WWW-Authenticate` challenges,
 * and the image manifest that carries a bundle (OPA's media types), built and validated here
 * without any I/O. `oci.ts` does the requests.
 */
import { createHash } from "node:crypto";
import { bundleError } from "./errors.js";

export const OCI_MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
export const OCI_LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
export const OCI_CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
/** Manifests are small; a registry answering more than this is refused. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface OciReference {
  /** host[:port], as written. */
  registry: string;
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>` when the reference pins a digest. */
  digest?: string;
  /** The base URL of the registry's API: http for loopback hosts (or when asked), else https. */
  baseUrl: string;
}

const REPO_PART = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isOciSource(source: string): boolean {
  return source.startsWith("oci://");
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return name === "localhost" || name === "::1" || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** Parses `oci://host[:port]/repo[/more]:tag` or `…@sha256:<hex>` (a tag defaults to `latest`). */
export function parseOciReference(ref: string, opts: { plainHttp?: boolean } = {}): OciReference {
  if (!isOciSource(ref)) throw bundleError("usage", `not an OCI reference (want oci://host/repo:tag or oci://host/repo@sha256:…): ${ref}`);
  const rest = ref.slice("oci://".length);
  const slash = rest.indexOf("/");
  if (slash <= 0) throw bundleError("usage", `${ref}: no registry host and repository`);
  const registry = rest.slice(0, slash);
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(registry)) throw bundleError("usage", `${ref}: bad registry host "${registry}"`);
  let path = rest.slice(slash + 1);
  let digest: string | undefined;
  let tag: string | undefined;
  const at = path.indexOf("@");
  if (at >= 0) {
    digest = path.slice(at + 1);
    path = path.slice(0, at);
    if (!DIGEST.test(digest)) throw bundleError("usage", `${ref}: the digest must be sha256:<64 lowercase hex digits>`);
  }
  const colon = path.lastIndexOf(":");
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw bundleError("usage", `${ref}: bad tag "${tag}"`);
  }
  if (path === "" || !path.split("/").every((p) => REPO_PART.test(p))) throw bundleError("usage", `${ref}: bad repository name "${path}" (lowercase letters, digits, . _ - and /)`);
  if (!digest && !tag) tag = "latest";
  const scheme = opts.plainHttp || isLoopback(registry) ? "http" : "https";
  return { registry, repository: path, tag, digest, baseUrl: `${scheme}://${registry}` };
}

/** The tag or digest to ask the manifest endpoint for (the digest wins when both are given). */
export function manifestReference(ref: OciReference): string {
  return ref.digest ?? ref.tag!;
}

export function formatReference(ref: OciReference): string {
  return `oci://${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses one `WWW-Authenticate` value: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  const body = m[2];
  re.lastIndex = 0;
  let p: RegExpExecArray | null;
  while (re.lastIndex < body.length && (p = re.exec(body)) !== null) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3];
  }
  return { scheme: m[1].toLowerCase(), params };
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface BundleManifest {
  config: Descriptor;
  layer: Descriptor;
}

/** The config blob OPA's tooling writes for bundles: a small JSON object. */
export function bundleConfig(): Uint8Array {
  return new TextEncoder().encode("{}");
}

/** The image manifest for a bundle: one config blob and one layer, the bundle's .tar.gz. */
export function buildBundleManifest(config: Uint8Array, layer: Uint8Array, annotations: Record<string, string> = {}): Uint8Array {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_TYPE,
    config: { mediaType: OCI_CONFIG_TYPE, digest: sha256Digest(config), size: config.length },
    layers: [{ mediaType: OCI_LAYER_TYPE, digest: sha256Digest(layer), size: layer.length, annotations: { "org.opencontainers.image.title": "bundle.tar.gz" } }],
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
  return new TextEncoder().encode(JSON.stringify(manifest));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function descriptor(v: unknown, where: string): Descriptor {
  if (!isObject(v)) throw bundleError("oci", `${where} is not an object`);
  if (typeof v.mediaType !== "string") throw bundleError("oci", `${where}.mediaType is not a string`);
  if (typeof v.digest !== "string" || !DIGEST.test(v.digest)) throw bundleError("oci", `${where}.digest is not a sha256 digest`);
  if (typeof v.size !== "number" || !Number.isSafeInteger(v.size) || v.size < 0) throw bundleError("oci", `${where}.size is not a size`);
  return { mediaType: v.mediaType, digest: v.digest, size: v.size };
}

/**
 * Validates an image manifest and picks the bundle layer: the one layer of OPA's media type.
 * Image indexes, Docker schema 1/2 images and manifests with no or several bundle layers are refused.
 */
export function parseBundleManifest(bytes: Uint8Array, contentType?: string): BundleManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw bundleError("oci", `the manifest is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(raw)) throw bundleError("oci", "the manifest is not a JSON object");
  const type = (typeof raw.mediaType === "string" ? raw.mediaType : contentType?.split(";")[0]?.trim()) ?? "";
  if (type !== OCI_MANIFEST_TYPE) throw bundleError("oci", `the manifest has media type "${type || "(none)"}"; a bundle is an ${OCI_MANIFEST_TYPE}`);
  if (raw.schemaVersion !== 2) throw bundleError("oci", `the manifest has schemaVersion ${JSON.stringify(raw.schemaVersion)}; want 2`);
  const config = descriptor(raw.config, "config");
  if (!Array.isArray(raw.layers)) throw bundleError("oci", "the manifest has no layers list");
  const layers = raw.layers.map((l, i) => descriptor(l, `layers[${i}]`));
  const bundles = layers.filter((l) => l.mediaType === OCI_LAYER_TYPE);
  if (bundles.length !== 1) {
    throw bundleError("oci", `the manifest has ${bundles.length} layers of type ${OCI_LAYER_TYPE}; a bundle has exactly one (layers: ${layers.map((l) => l.mediaType).join(", ") || "none"})`);
  }
  return { config, layer: bundles[0] };
}
