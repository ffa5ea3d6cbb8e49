/**
 * The shape of `regent serve`'s configuration, its defaults, and a small validator that refuses
 * unknown keys and wrong types naming the exact dotted key, so a typo fails at start, not at 3 a.m.
 */
import { RegentError } from "../errors.js";
import { CONFIG_INVALID } from "./errors.js";
import { ENVOY_STATUS_CODES } from "./envoy-status.js";
import { SCOPE_NAMES, type ScopeLimits, type ScopeName } from "../budget/scopes.js";

export interface AttributeSource {
  header?: string;
  body_field?: string;
  path_param?: string;
}

export interface RouteConfig {
  pattern: string;
  operation?: string;
}

export interface ServeConfig {
  server: {
    addr: string;
    admin_addr: string;
    /** Envoy External Processing (settlement from the response); off when absent. */
    ext_proc_addr?: string;
    workers: number;
    shutdown_grace_ms: number;
    tls: { cert_file?: string; key_file?: string; client_ca_file?: string; require_client_cert: boolean };
  };
  policy: {
    decision_path: string;
    fail_mode: "deny" | "allow";
    error_status: number;
    max_body_bytes: number;
  };
  bundle: {
    source?: string;
    poll_min_seconds: number;
    poll_max_seconds: number;
    persist_dir?: string;
    bearer_token?: string;
    /** Credentials and transport for an oci:// source. */
    registry: { username?: string; password_file?: string; plain_http: boolean };
    /** Cap of the exponential backoff after failures (default: poll_max_seconds). */
    backoff_max_seconds?: number;
    /** OPA's long polling: ask the server to hold the request up to this long (Prefer: wait=N). */
    long_polling_timeout_seconds?: number;
    verification: {
      key_file?: string;
      key?: string;
      secret_file?: string;
      key_id?: string;
      scope?: string;
      /** Rotation: public keys by key id, re-read on every verification. */
      keys?: { key_id: string; key_file: string }[];
      /** Rotation: a JWKS of public keys, refreshed every jwks_refresh_seconds and early for an unknown kid. */
      jwks_url?: string;
      jwks_refresh_seconds: number;
    };
  };
  identity: {
    header: string;
    scheme: string;
    jwks_file?: string;
    jwks_url?: string;
    issuer: string[];
    audience: string[];
    algorithms: string[];
    clock_tolerance_seconds: number;
    tenant_claim: string;
    roles_claim: string;
    plan_claim: string;
    purpose_claim: string;
    jwks_cache_seconds: number;
    jwks_min_refresh_seconds: number;
    token_cache_size: number;
    token_cache_bytes: number;
    require_exp: boolean;
    reject_future_iat: boolean;
    typ: string[];
  };
  /** Bounds on what enters from outside (requests, tokens, bundles, key sets); docs/limits.md. */
  limits: LimitsConfig;
  ai: {
    routes: RouteConfig[];
    model: AttributeSource;
    dataset: AttributeSource;
    collection: AttributeSource;
    requested_tokens: AttributeSource;
    classification: { header?: string; data_path: string };
    tokens: { count_prompt: boolean; default_max_output_tokens: number; models_data_path: string };
  };
  budget: {
    scope: "tenant" | "user" | "plan" | "none";
    window_seconds: number;
    default_limit: number;
    limits: Record<string, number>;
    plan_limits: Record<string, number>;
    exhausted_status: number;
    scopes: ScopeName[];
    rate_window_seconds: number;
    scope_limits: Partial<Record<ScopeName, ScopeLimits>>;
    data_path: string;
    reservation_ttl_seconds: number;
    on_expiry: "charge" | "release";
    reservation_header: string;
    http_settle: boolean;
    store: "memory" | "redis";
    redis: {
      url?: string;
      nodes?: string[];
      key_prefix: string;
      timeout_ms: number;
      unavailable: "fail_closed" | "local";
      local_share: number;
    };
  };
  decision_log: {
    enabled: boolean;
    redact_headers: string[];
    mask: string;
    level: string;
    include_headers: boolean;
  };
}

export interface LimitsConfig {
  max_headers: number;
  max_header_bytes: number;
  max_path_bytes: number;
  max_json_depth: number;
  max_token_bytes: number;
  max_act_depth: number;
  unauthenticated_body_bytes: number;
  bundle_download_bytes: number;
  bundle_expanded_bytes: number;
  bundle_file_bytes: number;
  bundle_files: number;
  jwks_bytes: number;
  budget_call_timeout_ms: number;
}

export function defaultLimits(): LimitsConfig {
  return {
    max_headers: 128,
    max_header_bytes: 64 * 1024,
    max_path_bytes: 8 * 1024,
    max_json_depth: 64,
    max_token_bytes: 16 * 1024,
    max_act_depth: 16,
    unauthenticated_body_bytes: 8 * 1024,
    bundle_download_bytes: 16 * 1024 * 1024,
    bundle_expanded_bytes: 64 * 1024 * 1024,
    bundle_file_bytes: 32 * 1024 * 1024,
    bundle_files: 10_000,
    jwks_bytes: 1024 * 1024,
    budget_call_timeout_ms: 2_000,
  };
}

export function defaultConfig(): ServeConfig {
  return {
    server: {
      addr: "127.0.0.1:9191",
      admin_addr: "127.0.0.1:8181",
      workers: 0,
      shutdown_grace_ms: 10_000,
      tls: { require_client_cert: false },
    },
    policy: { decision_path: "envoy/authz/allow", fail_mode: "deny", error_status: 403, max_body_bytes: 65_536 },
    bundle: { poll_min_seconds: 10, poll_max_seconds: 20, registry: { plain_http: false }, verification: { jwks_refresh_seconds: 300 } },
    identity: {
      header: "authorization",
      scheme: "Bearer",
      issuer: [],
      audience: [],
      algorithms: ["RS256", "ES256", "PS256", "EdDSA"],
      clock_tolerance_seconds: 30,
      tenant_claim: "tenant",
      roles_claim: "roles",
      plan_claim: "plan",
      purpose_claim: "purpose",
      jwks_cache_seconds: 600,
      jwks_min_refresh_seconds: 30,
      token_cache_size: 10_000,
      token_cache_bytes: 16 * 1024 * 1024,
      require_exp: false,
      reject_future_iat: false,
      typ: [],
    },
    limits: defaultLimits(),
    ai: {
      routes: [],
      model: { body_field: "model" },
      dataset: {},
      collection: {},
      requested_tokens: { body_field: "max_tokens" },
      classification: { data_path: "regent.datasets" },
      tokens: { count_prompt: false, default_max_output_tokens: 0, models_data_path: "regent.models" },
    },
    budget: {
      scope: "none",
      window_seconds: 86_400,
      default_limit: 0,
      limits: {},
      plan_limits: {},
      exhausted_status: 429,
      scopes: [],
      rate_window_seconds: 60,
      scope_limits: {},
      data_path: "regent.budgets",
      reservation_ttl_seconds: 300,
      on_expiry: "charge",
      reservation_header: "x-regent-reservation",
      http_settle: false,
      store: "memory",
      redis: { key_prefix: "regent", timeout_ms: 250, unavailable: "fail_closed", local_share: 0.1 },
    },
    decision_log: {
      enabled: true,
      redact_headers: ["authorization", "cookie", "set-cookie", "proxy-authorization", "x-api-key"],
      mask: "[REDACTED]",
      level: "info",
      include_headers: false,
    },
  };
}

/** jose's names; `none` is deliberately absent so it can never be allowed. */
export const JWS_ALGORITHMS = [
  "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519",
  "HS256", "HS384", "HS512",
];

type Check = (value: unknown, key: string) => unknown;

const fail = (key: string, msg: string): never => {
  throw new RegentError(CONFIG_INVALID, `${key}: ${msg}`);
};

const str: Check = (v, k) => (typeof v === "string" && v !== "" ? v : fail(k, `must be a non-empty string, got ${show(v)}`));
const bool: Check = (v, k) => (typeof v === "boolean" ? v : fail(k, `must be true or false, got ${show(v)}`));
const int = (min: number, max = Number.MAX_SAFE_INTEGER): Check => (v, k) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
    ? v
    : fail(k, `must be an integer between ${min} and ${max}, got ${show(v)}`);
const oneOf = (...allowed: string[]): Check => (v, k) =>
  typeof v === "string" && allowed.includes(v) ? v : fail(k, `must be one of ${allowed.join(", ")}, got ${show(v)}`);
const strList = (item: Check = str): Check => (v, k) => {
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list)) return fail(k, `must be a string or a list of strings, got ${show(v)}`);
  return list.map((x, i) => item(x, `${k}[${i}]`));
};
const numberMap: Check = (v, k) => {
  if (!isPlainObject(v)) return fail(k, `must be a map of name to integer, got ${show(v)}`);
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(v)) out[name] = int(0)(n, `${k}.${name}`) as number;
  return out;
};
const addr: Check = (v, k) => {
  const s = str(v, k) as string;
  if (s.startsWith("unix:")) return s.length > 5 ? s : fail(k, "unix: needs a socket path");
  const m = /^(.*):(\d+)$/.exec(s);
  if (!m || Number(m[2]) > 65535) return fail(k, `must be host:port or unix:/path, got ${show(v)}`);
  return s;
};
const limitPair = (v: unknown, k: string, extra: string[] = []): Record<string, unknown> => {
  if (!isPlainObject(v)) return fail(k, `must be a mapping with budget and/or rate, got ${show(v)}`);
  const out: Record<string, unknown> = {};
  for (const [name, n] of Object.entries(v)) {
    if (name === "budget" || name === "rate") out[name] = int(0)(n, `${k}.${name}`);
    else if (!extra.includes(name)) fail(`${k}.${name}`, `unknown key (known here: budget, rate${extra.map((e) => ", " + e).join("")})`);
  }
  return out;
};
const scopeLimits: Check = (v, k) => {
  if (!isPlainObject(v)) return fail(k, `must be a mapping of scope to limits, got ${show(v)}`);
  const out: Record<string, unknown> = {};
  for (const [scope, lim] of Object.entries(v)) {
    const sk = `${k}.${scope}`;
    if (!(SCOPE_NAMES as readonly string[]).includes(scope)) fail(sk, `unknown scope (known: ${SCOPE_NAMES.join(", ")})`);
    const one = limitPair(lim, sk, ["ids"]);
    const ids = (lim as Record<string, unknown>).ids;
    if (ids !== undefined) {
      if (!isPlainObject(ids)) fail(`${sk}.ids`, `must be a mapping of id to limits, got ${show(ids)}`);
      one.ids = Object.fromEntries(Object.entries(ids as Record<string, unknown>).map(([id, p]) => [id, limitPair(p, `${sk}.ids.${id}`)]));
    }
    out[scope] = one;
  }
  return out;
};
const share: Check = (v, k) => (typeof v === "number" && v >= 0 && v <= 1 ? v : fail(k, `must be a number between 0 and 1, got ${show(v)}`));
const source: Spec = { header: str, body_field: str, path_param: str };
const route: Check = (v, k) => {
  if (!isPlainObject(v)) return fail(k, `must be an object with pattern and operation, got ${show(v)}`);
  const out = walk({ pattern: str, operation: str }, v, k) as unknown as RouteConfig;
  if (out.pattern === undefined) fail(`${k}.pattern`, "is required");
  if (!out.pattern.startsWith("/")) fail(`${k}.pattern`, `must start with "/", got ${show(out.pattern)}`);
  return out;
};
const routes: Check = (v, k) => (Array.isArray(v) ? v.map((r, i) => route(r, `${k}[${i}]`)) : fail(k, "must be a list of routes"));

interface Spec {
  [key: string]: Check | Spec;
}

const SPEC: Spec = {
  server: {
    addr,
    admin_addr: addr,
    ext_proc_addr: addr,
    workers: int(0, 256),
    shutdown_grace_ms: int(0, 600_000),
    tls: { cert_file: str, key_file: str, client_ca_file: str, require_client_cert: bool },
  },
  policy: {
    decision_path: (v, k) => {
      const s = str(v, k) as string;
      return /^[A-Za-z_][\w-]*(\/[A-Za-z_][\w-]*)*$/.test(s) ? s : fail(k, `must look like envoy/authz/allow, got ${show(v)}`);
    },
    fail_mode: oneOf("deny", "allow"),
    error_status: (v, k) => (typeof v === "number" && ENVOY_STATUS_CODES.has(v) && v >= 400 ? v : fail(k, `must be a 4xx or 5xx status that Envoy accepts, got ${show(v)}`)),
    max_body_bytes: int(0, 64 * 1024 * 1024),
  },
  bundle: {
    source: str,
    poll_min_seconds: int(1, 86_400),
    poll_max_seconds: int(1, 86_400),
    persist_dir: str,
    bearer_token: str,
    registry: { username: str, password_file: str, plain_http: bool },
    backoff_max_seconds: int(1, 86_400),
    long_polling_timeout_seconds: int(1, 3600),
    verification: {
      key_file: str,
      key: str,
      secret_file: str,
      key_id: str,
      scope: str,
      keys: (v, k) => {
        if (!Array.isArray(v) || v.length === 0) return fail(k, "must be a list of {key_id, key_file}");
        const out = v.map((e, i) => {
          if (!isPlainObject(e)) return fail(`${k}[${i}]`, "must be an object with key_id and key_file");
          const entry = walk({ key_id: str, key_file: str }, e, `${k}[${i}]`) as { key_id?: string; key_file?: string };
          if (entry.key_id === undefined) fail(`${k}[${i}].key_id`, "is required");
          if (entry.key_file === undefined) fail(`${k}[${i}].key_file`, "is required");
          return entry;
        });
        const ids = out.map((e) => e.key_id);
        const dup = ids.find((id, i) => ids.indexOf(id) !== i);
        if (dup !== undefined) fail(k, `key id "${dup}" is listed twice`);
        return out;
      },
      jwks_url: (v, k) => {
        const s = str(v, k) as string;
        return /^https?:\/\//.test(s) ? s : fail(k, `must be an http(s) URL, got ${show(v)}`);
      },
      jwks_refresh_seconds: int(1, 86_400),
    },
  },
  identity: {
    header: (v, k) => (str(v, k) as string).toLowerCase(),
    scheme: str,
    jwks_file: str,
    jwks_url: (v, k) => {
      const s = str(v, k) as string;
      return /^https?:\/\//.test(s) ? s : fail(k, `must be an http(s) URL, got ${show(v)}`);
    },
    issuer: strList(),
    audience: strList(),
    algorithms: strList(oneOfAlg),
    clock_tolerance_seconds: int(0, 3600),
    tenant_claim: str,
    roles_claim: str,
    plan_claim: str,
    purpose_claim: str,
    jwks_cache_seconds: int(1, 86_400),
    jwks_min_refresh_seconds: int(0, 86_400),
    token_cache_size: int(0, 10_000_000),
    token_cache_bytes: int(0, 4 * 1024 * 1024 * 1024),
    require_exp: bool,
    reject_future_iat: bool,
    typ: strList(),
  },
  limits: {
    max_headers: int(1, 100_000),
    max_header_bytes: int(1024, 64 * 1024 * 1024),
    max_path_bytes: int(16, 64 * 1024 * 1024),
    max_json_depth: int(2, 10_000),
    max_token_bytes: int(128, 16 * 1024 * 1024),
    max_act_depth: int(0, 1_000),
    unauthenticated_body_bytes: int(0, 64 * 1024 * 1024),
    bundle_download_bytes: int(1024, 4 * 1024 * 1024 * 1024),
    bundle_expanded_bytes: int(1024, 4 * 1024 * 1024 * 1024),
    bundle_file_bytes: int(1024, 4 * 1024 * 1024 * 1024),
    bundle_files: int(1, 10_000_000),
    jwks_bytes: int(1024, 256 * 1024 * 1024),
    budget_call_timeout_ms: int(1, 600_000),
  },
  ai: {
    routes,
    model: source,
    dataset: source,
    collection: source,
    requested_tokens: source,
    classification: { header: str, data_path: str },
    tokens: { count_prompt: bool, default_max_output_tokens: int(0, 10_000_000), models_data_path: str },
  },
  budget: {
    scope: oneOf("tenant", "user", "plan", "none"),
    window_seconds: int(1, 366 * 86_400),
    default_limit: int(0),
    limits: numberMap,
    plan_limits: numberMap,
    exhausted_status: (v, k) => (v === 429 || v === 402 ? v : fail(k, `must be 429 or 402, got ${show(v)}`)),
    scopes: (v, k) => {
      const list = strList(oneOf(...SCOPE_NAMES))(v, k) as string[];
      if (new Set(list).size !== list.length) fail(k, "lists a scope twice");
      return list;
    },
    rate_window_seconds: int(1, 86_400),
    scope_limits: scopeLimits,
    data_path: str,
    reservation_ttl_seconds: int(1, 86_400),
    on_expiry: oneOf("charge", "release"),
    reservation_header: (v, k) => (str(v, k) as string).toLowerCase(),
    http_settle: bool,
    store: oneOf("memory", "redis"),
    redis: {
      url: (v, k) => {
        const s = str(v, k) as string;
        return /^rediss?:\/\//.test(s) ? s : fail(k, `must be a redis:// or rediss:// URL, got ${show(v)}`);
      },
      nodes: strList(addr),
      key_prefix: str,
      timeout_ms: int(1, 60_000),
      unavailable: oneOf("fail_closed", "local"),
      local_share: share,
    },
  },
  decision_log: {
    enabled: bool,
    redact_headers: (v, k) => (strList()(v, k) as string[]).map((h) => h.toLowerCase()),
    mask: (v, k) => (typeof v === "string" ? v : fail(k, `must be a string, got ${show(v)}`)),
    level: oneOf("trace", "debug", "info", "warn", "error", "fatal", "silent"),
    include_headers: bool,
  },
};

function oneOfAlg(v: unknown, k: string): unknown {
  if (typeof v === "string" && v.toLowerCase() === "none") return fail(k, `"none" is never an allowed algorithm`);
  return oneOf(...JWS_ALGORITHMS)(v, k);
}

/** Validates `raw` (already merged from file, env and flags) onto the defaults. */
export function validateConfig(raw: unknown): ServeConfig {
  if (raw === null || raw === undefined) return defaultConfig();
  if (!isPlainObject(raw)) fail("(root)", `must be a mapping, got ${show(raw)}`);
  const merged = mergeDeep(defaultConfig() as unknown as Record<string, unknown>, raw as Record<string, unknown>);
  const out = walk(SPEC, merged, "") as unknown as ServeConfig;
  crossCheck(out);
  return out;
}

function crossCheck(c: ServeConfig): void {
  if (c.bundle.poll_max_seconds < c.bundle.poll_min_seconds)
    fail("bundle.poll_max_seconds", `must be >= bundle.poll_min_seconds (${c.bundle.poll_min_seconds})`);
  if (c.identity.jwks_file && c.identity.jwks_url) fail("identity.jwks_url", "set either identity.jwks_file or identity.jwks_url, not both");
  const tls = c.server.tls;
  if ((tls.cert_file === undefined) !== (tls.key_file === undefined))
    fail(tls.cert_file ? "server.tls.key_file" : "server.tls.cert_file", "server.tls.cert_file and server.tls.key_file go together");
  if (tls.client_ca_file && !tls.cert_file) fail("server.tls.client_ca_file", "needs server.tls.cert_file and key_file");
  if (tls.require_client_cert && !tls.client_ca_file) fail("server.tls.require_client_cert", "needs server.tls.client_ca_file");
  const r = c.budget.redis;
  if (r.url && r.nodes?.length) fail("budget.redis.nodes", "set either budget.redis.url or budget.redis.nodes (a cluster), not both");
  const v = c.bundle.verification;
  const given = (["key", "key_file", "secret_file"] as const).filter((k) => v[k] !== undefined);
  if (given.length > 1) fail(`bundle.verification.${given[1]}`, `set one of key, key_file (a public key) or secret_file (an HMAC secret), not ${given.join(" and ")}`);
  const rotating = (["keys", "jwks_url"] as const).filter((k) => v[k] !== undefined);
  if (rotating.length && given.length) fail(`bundle.verification.${rotating[0]}`, `rotating keys (keys, jwks_url) replace ${given[0]}; set one or the other`);
  if (rotating.length && v.key_id !== undefined) fail("bundle.verification.key_id", "with rotating keys the key id comes from each signature; remove key_id");
}

function walk(spec: Spec, value: unknown, prefix: string): unknown {
  if (!isPlainObject(value)) return fail(prefix || "(root)", `must be a mapping, got ${show(value)}`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const rule = spec[key];
    if (rule === undefined) fail(path, `unknown key (known here: ${Object.keys(spec).join(", ")})`);
    if (v === undefined || v === null) continue;
    out[key] = typeof rule === "function" ? rule(v, path) : walk(rule as Spec, v, path);
  }
  return out;
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const path = prefix ? `${prefix}.${k}` : k;
    out[k] = isPlainObject(b) && isPlainObject(v) && !isMapKey(path) ? mergeDeep(b, v, path) : v;
  }
  return out;
}

/** Maps whose keys are names (not settings) replace rather than merge. */
function isMapKey(path: string): boolean {
  return path === "budget.limits" || path === "budget.plan_limits" || path === "budget.scope_limits" || /^budget\.scope_limits\.[^.]+\.ids$/.test(path);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + "..." : s;
}
