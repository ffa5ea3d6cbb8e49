/**
 * Decision → CheckResponse, as opa-envoy-plugin maps it: a boolean, or an object with allowed,
 * headers, response_headers_to_add, request_headers_to_remove, query parameters, body,
 * http_status and dynamic_metadata. Anything else (undefined, wrong types) denies with the
 * configured status and names the problem for the log; it never throws.
 */
import { ENVOY_STATUS_CODES } from "../config/envoy-status.js";
import { callReservations, type CallReservation } from "./call-budget.js";

export { ENVOY_STATUS_CODES };

export interface Outcome {
  allowed: boolean;
  /** HTTP status sent to the caller on deny (200 on allow). */
  httpStatus: number;
  response: CheckResponse;
  /** Why the server (not the policy) decided, e.g. "undefined_decision"; absent when the policy decided. */
  error?: string;
  /** The policy's own `reason`, for the decision log. */
  reason?: string;
  reserveTokens?: number;
  /** Per-tool call budgets to reserve on allow (`reserve_calls`). */
  reserveCalls?: CallReservation[];
  budgetExhaustedStatus?: number;
  /** `code: message` when the sidecar refused the request itself (a limit, an unreadable request). */
  refusal?: string;
}

export interface HeaderValueOption {
  header: { key: string; value: string };
  appendAction?: string;
}

export interface CheckResponse {
  status: { code: number; message?: string };
  okResponse?: Record<string, unknown>;
  deniedResponse?: { status: { code: number }; headers?: HeaderValueOption[]; body?: string };
  dynamicMetadata?: unknown;
}

export const GRPC_OK = 0;
export const GRPC_PERMISSION_DENIED = 7;
export const GRPC_UNAUTHENTICATED = 16;

const ALLOW: CheckResponse = Object.freeze({ status: Object.freeze({ code: GRPC_OK }), okResponse: Object.freeze({}) }) as CheckResponse;

/** Maps a policy result. `failStatus` is the status for decisions the server cannot read. */
export function mapDecision(decision: unknown, failStatus: number): Outcome {
  if (decision === true) return { allowed: true, httpStatus: 200, response: ALLOW };
  if (decision === false) return deny(403, [], undefined, undefined);
  if (decision === undefined) return failure("undefined_decision", failStatus);
  if (typeof decision !== "object" || decision === null || Array.isArray(decision))
    return failure(`decision must be a boolean or an object, got ${typeName(decision)}`, failStatus);
  const d = decision as Record<string, unknown>;
  if (typeof d.allowed !== "boolean") return failure(`decision.allowed must be a boolean, got ${typeName(d.allowed)}`, failStatus);
  try {
    return d.allowed ? allowObject(d) : denyObject(d);
  } catch (err) {
    return failure((err as Error).message, failStatus);
  }
}

/** A deny the server decides on its own (no bundle, evaluation error, bad decision). */
export function failure(error: string, status: number): Outcome {
  const o = deny(status, [], undefined, undefined);
  o.error = error;
  return o;
}

export function deny(httpStatus: number, headers: HeaderValueOption[], body: string | undefined, dynamicMetadata: unknown): Outcome {
  const denied: CheckResponse["deniedResponse"] = { status: { code: httpStatus } };
  if (headers.length) denied.headers = headers;
  if (body !== undefined) denied.body = body;
  const response: CheckResponse = {
    status: { code: httpStatus === 401 ? GRPC_UNAUTHENTICATED : GRPC_PERMISSION_DENIED },
    deniedResponse: denied,
  };
  if (dynamicMetadata !== undefined) response.dynamicMetadata = dynamicMetadata;
  return { allowed: false, httpStatus, response };
}

function allowObject(d: Record<string, unknown>): Outcome {
  const ok: Record<string, unknown> = {};
  const headers = headerOptions(d.headers, "headers");
  if (headers.length) ok.headers = headers;
  const toRemove = stringList(d.request_headers_to_remove, "request_headers_to_remove");
  if (toRemove.length) ok.headersToRemove = toRemove;
  const respHeaders = headerOptions(d.response_headers_to_add, "response_headers_to_add");
  if (respHeaders.length) ok.responseHeadersToAdd = respHeaders;
  const qset = queryParams(d.query_parameters_to_set);
  if (qset.length) ok.queryParametersToSet = qset;
  const qrm = stringList(d.query_parameters_to_remove, "query_parameters_to_remove");
  if (qrm.length) ok.queryParametersToRemove = qrm;
  const response: CheckResponse = { status: { code: GRPC_OK }, okResponse: ok };
  const md = metadata(d.dynamic_metadata);
  if (md !== undefined) response.dynamicMetadata = md;
  const out: Outcome = { allowed: true, httpStatus: 200, response };
  extras(d, out);
  return out;
}

function denyObject(d: Record<string, unknown>): Outcome {
  const status = d.http_status === undefined ? 403 : httpStatus(d.http_status);
  if (d.body !== undefined && typeof d.body !== "string") throw new Error(`decision.body must be a string, got ${typeName(d.body)}`);
  const out = deny(status, headerOptions(d.headers, "headers"), d.body as string | undefined, metadata(d.dynamic_metadata));
  extras(d, out);
  return out;
}

function extras(d: Record<string, unknown>, out: Outcome): void {
  if (typeof d.reason === "string") out.reason = d.reason;
  if (typeof d.reserve_tokens === "number" && Number.isFinite(d.reserve_tokens) && d.reserve_tokens > 0)
    out.reserveTokens = Math.ceil(d.reserve_tokens);
  if (d.budget_exhausted_status === 402 || d.budget_exhausted_status === 429) out.budgetExhaustedStatus = d.budget_exhausted_status;
  const calls = callReservations(d.reserve_calls);
  if (calls.length) out.reserveCalls = calls;
}


function httpStatus(v: unknown): number {
  if (typeof v !== "number" || !ENVOY_STATUS_CODES.has(v))
    throw new Error(`decision.http_status must be an HTTP status code that Envoy accepts, got ${JSON.stringify(v)}`);
  return v;
}

/** A map of name → string or list of strings, or a list of such maps, as the plugin accepts. */
export function headerOptions(v: unknown, field: string): HeaderValueOption[] {
  if (v === undefined) return [];
  const maps = Array.isArray(v) ? v : [v];
  const out: HeaderValueOption[] = [];
  for (const m of maps) {
    if (typeof m !== "object" || m === null || Array.isArray(m)) throw new Error(`decision.${field} must be an object, got ${typeName(m)}`);
    for (const [key, value] of Object.entries(m)) {
      const values = Array.isArray(value) ? value : [value];
      values.forEach((one, i) => {
        if (typeof one !== "string") throw new Error(`decision.${field}["${key}"] must be a string, got ${typeName(one)}`);
        // The policy's value replaces the client's (as with opa-envoy-plugin); further values of a list add to it.
        out.push({ header: { key, value: one }, appendAction: i === 0 ? "OVERWRITE_IF_EXISTS_OR_ADD" : "APPEND_IF_EXISTS_OR_ADD" });
      });
    }
  }
  return out;
}

function stringList(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw new Error(`decision.${field} must be a list of strings`);
  return v as string[];
}

function queryParams(v: unknown): { key: string; value: string }[] {
  if (v === undefined) return [];
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("decision.query_parameters_to_set must be an object");
  const out: { key: string; value: string }[] = [];
  for (const [key, value] of Object.entries(v)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (typeof one !== "string") throw new Error(`decision.query_parameters_to_set["${key}"] must be a string or a list of strings`);
      out.push({ key, value: one });
    }
  }
  return out;
}

function metadata(v: unknown): unknown {
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`decision.dynamic_metadata must be an object, got ${typeName(v)}`);
  return toStruct(v as Record<string, unknown>);
}

/**
 * protobufjs refuses messages nested over 100 deep, and each JSON level costs two (Value and
 * Struct/ListValue), so deeper metadata is refused here with a message instead of failing in the encoder.
 */
export const MAX_METADATA_DEPTH = 32;

/** Plain JSON → google.protobuf.Struct in proto-loader's object form. */
export function toStruct(obj: Record<string, unknown>, depth = 0): { fields: Record<string, unknown> } {
  if (depth > MAX_METADATA_DEPTH) throw new Error(`decision.dynamic_metadata nests deeper than ${MAX_METADATA_DEPTH} levels`);
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) fields[k] = toValue(v, depth + 1);
  return { fields };
}

function toValue(v: unknown, depth: number): unknown {
  if (v === null || v === undefined) return { nullValue: "NULL_VALUE" };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "number") return { numberValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (depth > MAX_METADATA_DEPTH) throw new Error(`decision.dynamic_metadata nests deeper than ${MAX_METADATA_DEPTH} levels`);
  if (Array.isArray(v)) return { listValue: { values: v.map((x) => toValue(x, depth + 1)) } };
  if (typeof v === "object") return { structValue: toStruct(v as Record<string, unknown>, depth) };
  return { stringValue: String(v) };
}

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}
