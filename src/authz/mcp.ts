/**
 * `input.ai.mcp`: the JSON-RPC 2.0 messages of an MCP request (single or batch) reduced to what a
 * policy decides on: method, tool / prompt / resource name, argument names, types and sizes, and
 * argument values only for the names bundle data asks for. Bad bodies become an `error` code.
 */
import { compileRoute } from "./route-pattern.js";
import { hasDuplicateKey } from "./json-keys.js";

export interface McpArgument {
  type: "string" | "number" | "boolean" | "null" | "array" | "object";
  /** Bytes of the argument's JSON encoding. */
  size: number;
  /** Only for names listed in `data.regent.mcp.argument_values`, and only for scalars. */
  value?: string | number | boolean | null;
  /** Why a value that was asked for is absent: `not_scalar` or `too_long`. */
  value_omitted?: "not_scalar" | "too_long";
}

export interface McpCall {
  index: number;
  /** Absent for notifications (no `id` member). */
  id?: string | number | null;
  method?: string;
  notification: boolean;
  /** A JSON-RPC response sent by the client (to a server request such as sampling). */
  response?: boolean;
  tool?: string;
  prompt?: string;
  resource?: string;
  arguments?: Record<string, McpArgument>;
  error?: McpCallError;
}

export type McpCallError = "invalid_request" | "invalid_params";
export type McpBodyError =
  | "body_missing"
  | "body_truncated"
  | "invalid_json"
  | "duplicate_key"
  | "too_deep"
  | "invalid_message"
  | "empty_batch"
  | "batch_too_large";

export interface McpInput {
  batch: boolean;
  session_id?: string;
  calls: McpCall[];
  error?: McpBodyError;
}

/** What bundle data says about MCP: which routes carry it and what to project. */
export interface McpSettings {
  routes: { method: string; re: RegExp }[];
  argumentValues: Map<string, Set<string>>;
  maxBatch: number;
  maxArguments: number;
  maxValueChars: number;
}

export interface McpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body (input.parsed_body); undefined when absent or unparsable. */
  body: unknown;
  hasBody: boolean;
  /** The body as sent, for checks JSON.parse cannot make (repeated keys). */
  raw?: string | Buffer;
  truncated: boolean;
}

const DEFAULT_MAX_BATCH = 32;
const DEFAULT_MAX_ARGUMENTS = 64;
const DEFAULT_MAX_VALUE_CHARS = 4096;
/** A name or URI longer than this is not a name a policy can match; refusing it keeps inputs small. */
const MAX_NAME_CHARS = 4096;
/** Arguments nested deeper than this are refused (invalid_params): no tool schema needs it, and a bound keeps every later walk safe. */
export const MAX_ARGUMENT_DEPTH = 64;
/** The whole body: a batch, a message, params and arguments around the deepest allowed argument. */
export const MAX_BODY_DEPTH = MAX_ARGUMENT_DEPTH + 8;

const settingsCache = new WeakMap<object, McpSettings>();

/** Reads `data.regent.routes[*].mcp` and `data.regent.mcp`, once per bundle data object. */
export function mcpSettings(data: unknown): McpSettings {
  const key = isObject(data) ? data : EMPTY_DATA;
  let s = settingsCache.get(key);
  if (!s) {
    s = compileSettings(key);
    settingsCache.set(key, s);
  }
  return s;
}

const EMPTY_DATA = {};

function compileSettings(data: Record<string, unknown>): McpSettings {
  const regent = isObject(data.regent) ? data.regent : {};
  const routes: McpSettings["routes"] = [];
  if (Array.isArray(regent.routes)) {
    for (const r of regent.routes) {
      if (!isObject(r) || r.mcp !== true || typeof r.path !== "string" || !r.path.startsWith("/")) continue;
      routes.push({ method: typeof r.method === "string" ? r.method.toUpperCase() : "*", re: compileRoute(r.path) });
    }
  }
  const cfg = isObject(regent.mcp) ? regent.mcp : {};
  const argumentValues = new Map<string, Set<string>>();
  if (isObject(cfg.argument_values)) {
    for (const [tool, names] of Object.entries(cfg.argument_values)) {
      if (Array.isArray(names)) argumentValues.set(tool, new Set(names.filter((n): n is string => typeof n === "string")));
    }
  }
  return {
    routes,
    argumentValues,
    maxBatch: positiveInt(cfg.max_batch, DEFAULT_MAX_BATCH),
    maxArguments: positiveInt(cfg.max_arguments, DEFAULT_MAX_ARGUMENTS),
    maxValueChars: positiveInt(cfg.max_value_chars, DEFAULT_MAX_VALUE_CHARS),
  };
}

export function isMcpRoute(s: McpSettings, method: string, path: string): boolean {
  const m = method.toUpperCase();
  return s.routes.some((r) => (r.method === "*" || r.method === m) && r.re.test(path));
}

/** The MCP facts of one request; never throws, whatever the body holds. */
export function parseMcp(req: McpRequest, s: McpSettings): McpInput {
  const out: McpInput = { batch: false, calls: [] };
  const sid = req.headers["mcp-session-id"];
  if (typeof sid === "string" && sid !== "") out.session_id = sid;
  // GET opens a server-sent event stream and DELETE ends a session: neither carries JSON-RPC.
  if (req.method.toUpperCase() !== "POST") return out;
  if (req.truncated) return { ...out, error: "body_truncated" };
  if (!req.hasBody) return { ...out, error: "body_missing" };
  if (req.body === undefined) return { ...out, error: "invalid_json" };
  if (req.raw !== undefined && hasDuplicateKey(typeof req.raw === "string" ? req.raw : req.raw.toString("utf8")))
    return { ...out, error: "duplicate_key" };
  const body = req.body;
  if (depthExceeds(body, MAX_BODY_DEPTH)) return { ...out, error: "too_deep" };
  if (Array.isArray(body)) {
    out.batch = true;
    if (body.length === 0) return { ...out, error: "empty_batch" };
    if (body.length > s.maxBatch) return { ...out, error: "batch_too_large" };
    body.forEach((m, i) => out.calls.push(parseMessage(m, i, s)));
    return out;
  }
  if (!isObject(body)) return { ...out, error: "invalid_message" };
  out.calls.push(parseMessage(body, 0, s));
  return out;
}

function parseMessage(m: unknown, index: number, s: McpSettings): McpCall {
  const call: McpCall = { index, notification: false };
  if (!isObject(m)) return { ...call, error: "invalid_request" };
  const hasId = Object.prototype.hasOwnProperty.call(m, "id");
  if (hasId) {
    const id = m.id;
    if (id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id))) call.id = id;
    else return { ...call, error: "invalid_request" };
  }
  if (m.jsonrpc !== "2.0") return { ...call, error: "invalid_request" };
  if (m.method === undefined && hasId && ("result" in m || "error" in m)) {
    call.response = true;
    return call;
  }
  if (typeof m.method !== "string" || m.method === "" || m.method.length > MAX_NAME_CHARS) return { ...call, error: "invalid_request" };
  call.method = m.method;
  call.notification = !hasId;
  const params = m.params;
  if (params !== undefined && (typeof params !== "object" || params === null)) return { ...call, error: "invalid_params" };
  switch (m.method) {
    case "tools/call":
      return named(call, params, "tool", s);
    case "prompts/get":
      return named(call, params, "prompt", s);
    case "resources/read":
    case "resources/subscribe":
    case "resources/unsubscribe": {
      const uri = isObject(params) ? params.uri : undefined;
      if (!validName(uri)) return { ...call, error: "invalid_params" };
      call.resource = uri;
      return call;
    }
    default:
      return call;
  }
}

function named(call: McpCall, params: unknown, kind: "tool" | "prompt", s: McpSettings): McpCall {
  if (!isObject(params) || !validName(params.name)) return { ...call, error: "invalid_params" };
  const name = params.name;
  call[kind] = name;
  const args = params.arguments;
  if (args === undefined || args === null) {
    call.arguments = {};
    return call;
  }
  if (!isObject(args)) return { ...call, error: "invalid_params" };
  const names = Object.keys(args);
  if (names.length > s.maxArguments) return { ...call, error: "invalid_params" };
  const wanted = s.argumentValues.get(name);
  const always = s.argumentValues.get("*");
  const out: Record<string, McpArgument> = Object.create(null);
  for (const k of names) {
    const a = describe(args[k]);
    if (a === undefined) return { ...call, error: "invalid_params" };
    if (wanted?.has(k) || always?.has(k)) project(a, args[k], s.maxValueChars);
    out[k] = a;
  }
  call.arguments = out;
  return call;
}

function describe(v: unknown): McpArgument | undefined {
  if (depthExceeds(v, MAX_ARGUMENT_DEPTH)) return undefined;
  const text = JSON.stringify(v);
  return { type: typeOf(v), size: Buffer.byteLength(text) };
}

/** Iterative, so a hostile nesting cannot exhaust the stack before it is measured. */
function depthExceeds(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (d > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

function project(a: McpArgument, v: unknown, maxChars: number): void {
  if (typeof v === "object" && v !== null) a.value_omitted = "not_scalar";
  else if (typeof v === "string" && v.length > maxChars) a.value_omitted = "too_long";
  else a.value = v as string | number | boolean | null;
}

function typeOf(v: unknown): McpArgument["type"] {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  return t === "string" || t === "number" || t === "boolean" ? t : "object";
}

function validName(v: unknown): v is string {
  return typeof v === "string" && v !== "" && v.length <= MAX_NAME_CHARS;
}

function positiveInt(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : fallback;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
