/**
 * CheckRequest → the opa-envoy-plugin input: `attributes` in protojson form (lowerCamelCase
 * names, int64 as strings, Timestamp as RFC 3339, Struct as JSON), `parsed_path`,
 * `parsed_query`, `parsed_body` (JSON or form, within the size limit), `truncated_body`, `version`.
 * Malformed parts are tolerated: a bad body is simply not parsed; nothing here throws on input.
 * With bounds, a request over a limit (headers, path, nesting) comes back with a `refusal`.
 */
import { jsonTextTooDeep, valueTooDeep } from "../limits/json-depth.js";
import { refusal, type Refusal } from "./refusal.js";

export interface RequestView {
  /** The path without query and fragment, as Envoy sent it (still percent-encoded). */
  path: string;
  headers: Record<string, string>;
  method: string;
  principal?: string;
  /** The request carried a body, parsed or not (MCP tells a missing body from a malformed one). */
  hasBody: boolean;
  /** That body as sent, text or bytes (also what `attachBody` parses when the body was deferred). */
  body?: string | Buffer;
}

/** Limits on what a request may bring (the `limits` section of the config). */
export interface InputBounds {
  maxHeaders: number;
  maxHeaderBytes: number;
  maxPathBytes: number;
  maxJsonDepth: number;
  /** Leave the body unparsed; the caller attaches it once it knows how much to parse. */
  deferBody?: boolean;
}

export interface BaseInput {
  attributes: Record<string, unknown>;
  parsed_path: string[];
  parsed_query: Record<string, string[]>;
  parsed_body?: unknown;
  truncated_body: boolean;
  version: { encoding: string; ext_authz: string };
  [extra: string]: unknown;
}

const VERSION = Object.freeze({ encoding: "protojson", ext_authz: "v3" });
const EMPTY: Record<string, string> = Object.freeze(Object.create(null));

/**
 * Builds the input from a request decoded by proto-loader (camelCase, longs as strings,
 * bytes as Buffers). The decoded object is reused in place: it is ours and dies with the call.
 */
export function buildInput(
  req: unknown,
  maxBodyBytes: number,
  bounds?: InputBounds,
): { input: BaseInput; view: RequestView; refusal?: Refusal } {
  const attributes = asObject(asObject(req).attributes);
  const request = asObject(attributes.request);
  const http = asObject(request.http);
  attributes.request = request;
  request.http = http;

  let headers = http.headers as Record<string, string> | undefined;
  if (!isObject(headers)) {
    headers = headersFromMap(http.headerMap);
    if (headers !== EMPTY) http.headers = headers;
  }
  if (request.time !== undefined) request.time = timestamp(request.time);
  let rawBody: Buffer | undefined;
  if (http.rawBody !== undefined) {
    rawBody = Buffer.isBuffer(http.rawBody) ? http.rawBody : undefined;
    http.rawBody = rawBody ? rawBody.toString("base64") : undefined;
  }
  if (isObject(http.headerMap)) http.headerMap = headerMapJson(http.headerMap);
  for (const k of ["metadataContext", "routeMetadataContext"]) {
    if (attributes[k] !== undefined) attributes[k] = metadataJson(attributes[k]);
  }
  for (const peer of [attributes.source, attributes.destination]) {
    if (isObject(peer) && Buffer.isBuffer(peer.certificate)) peer.certificate = peer.certificate.toString();
  }

  const fullPath = typeof http.path === "string" ? http.path : "";
  const { path, query } = splitPath(fullPath);
  const input: BaseInput = {
    attributes,
    parsed_path: parsePath(path),
    parsed_query: parseQuery(query),
    truncated_body: false,
    version: VERSION,
  };
  const body = typeof http.body === "string" && http.body !== "" ? http.body : rawBody && rawBody.length ? rawBody : undefined;
  const source = attributes.source;
  const principal = isObject(source) && typeof source.principal === "string" && source.principal ? source.principal : undefined;
  const view: RequestView = { path, headers, method: typeof http.method === "string" ? http.method : "", principal, hasBody: body !== undefined, body };
  if (bounds) {
    const refused = checkBounds(bounds, headers, fullPath, attributes);
    if (refused) return { input, view: { ...view, path: path.slice(0, 256) }, refusal: refused };
    if (bounds.deferBody) return { input, view };
  }
  if (body !== undefined) {
    const r = attachBody(input, view.headers, body, maxBodyBytes, bounds?.maxJsonDepth);
    if (r) return { input, view, refusal: r };
  }
  return { input, view };
}

/**
 * Parses the body into `parsed_body` (up to `maxBodyBytes`) and sets `truncated_body`. A JSON
 * body nested deeper than `maxJsonDepth` is a refusal: the scan happens before any parse.
 */
export function attachBody(input: BaseInput, headers: Record<string, string>, body: string | Buffer, maxBodyBytes: number, maxJsonDepth?: number): Refusal | undefined {
  const { parsed, truncated, tooDeep } = parseBody(headers, body, maxBodyBytes, maxJsonDepth);
  if (tooDeep) return refusal("body_too_deep", `the JSON body nests deeper than ${maxJsonDepth} levels (limits.max_json_depth)`);
  if (parsed !== undefined) input.parsed_body = parsed;
  input.truncated_body = truncated;
  return undefined;
}

/**
 * Drops the body from an input (the raw text too) and marks it truncated: an unauthenticated
 * caller's large body is never parsed nor handed to the policy.
 */
export function dropBody(input: BaseInput): void {
  const http = (input.attributes.request as Record<string, unknown> | undefined)?.http as Record<string, unknown> | undefined;
  if (http) {
    delete http.body;
    delete http.rawBody;
  }
  delete input.parsed_body;
  input.truncated_body = true;
}

function checkBounds(b: InputBounds, headers: Record<string, string>, fullPath: string, attributes: Record<string, unknown>): Refusal | undefined {
  if (Buffer.byteLength(fullPath) > b.maxPathBytes) return refusal("path_too_long", `the path is longer than ${b.maxPathBytes} bytes (limits.max_path_bytes)`);
  let count = 0;
  let bytes = 0;
  for (const k in headers) {
    count++;
    bytes += k.length + headers[k]!.length;
  }
  if (count > b.maxHeaders) return refusal("too_many_headers", `the request has more than ${b.maxHeaders} headers (limits.max_headers)`);
  if (bytes > b.maxHeaderBytes) return refusal("headers_too_large", `the headers hold more than ${b.maxHeaderBytes} bytes (limits.max_header_bytes)`);
  for (const k of ["metadataContext", "routeMetadataContext"]) {
    if (valueTooDeep(attributes[k], b.maxJsonDepth))
      return refusal("metadata_too_deep", `${k} nests deeper than ${b.maxJsonDepth} levels (limits.max_json_depth)`);
  }
  return undefined;
}

export function splitPath(full: string): { path: string; query: string } {
  const hash = full.indexOf("#");
  const noFrag = hash >= 0 ? full.slice(0, hash) : full;
  const q = noFrag.indexOf("?");
  return q >= 0 ? { path: noFrag.slice(0, q), query: noFrag.slice(q + 1) } : { path: noFrag, query: "" };
}

/** As the plugin: leading slashes trimmed, split on "/", each segment percent-decoded. */
export function parsePath(path: string): string[] {
  let i = 0;
  while (i < path.length && path.charCodeAt(i) === 47) i++;
  const segs = path.slice(i).split("/");
  for (let j = 0; j < segs.length; j++) {
    const s = segs[j]!;
    if (s.includes("%")) segs[j] = decode(s, false);
  }
  return segs;
}

/** Every key maps to the array of its values, in order, as Go's url.ParseQuery. */
export function parseQuery(query: string): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  if (query === "") return out;
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const k = decode(eq >= 0 ? pair.slice(0, eq) : pair, true);
    const v = eq >= 0 ? decode(pair.slice(eq + 1), true) : "";
    (out[k] ??= []).push(v);
  }
  return out;
}

export function parseBody(
  headers: Record<string, string>,
  body: string | Buffer,
  maxBodyBytes: number,
  maxJsonDepth?: number,
): { parsed?: unknown; truncated: boolean; tooDeep?: boolean } {
  const size = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  const declared = headers["content-length"];
  const declaredLen = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : -1;
  // Envoy forwards at most max_request_bytes; a shorter body than announced was cut.
  const truncated = (declaredLen >= 0 && declaredLen > size) || headers["x-envoy-auth-partial-body"] === "true";
  if (truncated) return { truncated: true };
  if (size > maxBodyBytes) return { truncated: true };
  const ct = (headers["content-type"] ?? "").toLowerCase();
  const text = typeof body === "string" ? body : body.toString("utf8");
  if (ct.includes("application/json") || /\+json\b/.test(ct)) {
    if (maxJsonDepth !== undefined && jsonTextTooDeep(text, maxJsonDepth)) return { truncated: false, tooDeep: true };
    try {
      return { parsed: JSON.parse(text), truncated: false };
    } catch {
      return { truncated: false };
    }
  }
  if (ct.includes("application/x-www-form-urlencoded")) return { parsed: parseQuery(text), truncated: false };
  return { truncated: false };
}

function decode(s: string, plus: boolean): string {
  const t = plus && s.includes("+") ? s.replace(/\+/g, " ") : s;
  if (!t.includes("%")) return t;
  try {
    return decodeURIComponent(t);
  } catch {
    return t;
  }
}

function headersFromMap(headerMap: unknown): Record<string, string> {
  if (!isObject(headerMap) || !Array.isArray(headerMap.headers)) return EMPTY;
  const out: Record<string, string> = Object.create(null);
  for (const h of headerMap.headers) {
    if (!isObject(h) || typeof h.key !== "string") continue;
    const v = typeof h.value === "string" && h.value !== "" ? h.value : Buffer.isBuffer(h.rawValue) ? h.rawValue.toString("utf8") : "";
    const k = h.key.toLowerCase();
    out[k] = out[k] === undefined ? v : `${out[k]},${v}`;
  }
  return out;
}

function headerMapJson(headerMap: Record<string, unknown>): unknown {
  if (!Array.isArray(headerMap.headers)) return headerMap;
  return {
    headers: headerMap.headers.map((h: unknown) =>
      isObject(h) && Buffer.isBuffer(h.rawValue) ? { ...h, rawValue: h.rawValue.toString("base64") } : h,
    ),
  };
}

/** google.protobuf.Timestamp → RFC 3339, as protojson prints it. */
function timestamp(t: unknown): unknown {
  if (!isObject(t)) return t;
  const secs = Number(t.seconds ?? 0);
  const nanos = Number(t.nanos ?? 0);
  if (!Number.isFinite(secs) || !Number.isFinite(nanos)) return t;
  const d = new Date(secs * 1000 + Math.floor(nanos / 1e6));
  if (Number.isNaN(d.getTime())) return t;
  const iso = d.toISOString();
  if (nanos === 0) return iso.replace(".000Z", "Z");
  return iso.slice(0, 19) + "." + String(nanos).padStart(9, "0").replace(/0+$/, "") + "Z";
}

/** config.core.v3.Metadata: filterMetadata holds Structs, which protojson prints as plain JSON. */
function metadataJson(m: unknown): unknown {
  if (!isObject(m)) return m;
  const out: Record<string, unknown> = {};
  if (isObject(m.filterMetadata)) {
    const fm: Record<string, unknown> = Object.create(null);
    for (const [k, s] of Object.entries(m.filterMetadata)) fm[k] = structJson(s);
    out.filterMetadata = fm;
  }
  if (isObject(m.typedFilterMetadata)) {
    const tm: Record<string, unknown> = Object.create(null);
    for (const [k, a] of Object.entries(m.typedFilterMetadata)) {
      const any = asObject(a);
      tm[k] = { "@type": any.typeUrl ?? any.type_url, value: Buffer.isBuffer(any.value) ? any.value.toString("base64") : any.value };
    }
    out.typedFilterMetadata = tm;
  }
  return out;
}

export function structJson(s: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (!isObject(s) || !isObject(s.fields)) return out;
  for (const [k, v] of Object.entries(s.fields)) out[k] = valueJson(v);
  return out;
}

function valueJson(v: unknown): unknown {
  if (!isObject(v)) return null;
  if ("stringValue" in v) return v.stringValue;
  if ("numberValue" in v) return v.numberValue;
  if ("boolValue" in v) return v.boolValue;
  if ("structValue" in v) return structJson(v.structValue);
  if ("listValue" in v) {
    const l = asObject(v.listValue);
    return Array.isArray(l.values) ? l.values.map(valueJson) : [];
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function asObject(v: unknown): Record<string, unknown> {
  return isObject(v) ? v : {};
}
