/**
 * Decision logs: one pino JSON line per Check with the fields operators search on (decision
 * id, trace id, method, path, tenant, subject, actors, model, tools, MCP session, result, status,
 * revision, eval µs).
 * Credentials and bodies never reach the log; listed headers are masked when headers are logged.
 */
import pino, { type Logger } from "pino";
import type { Outcome } from "./decision.js";
import type { Identity } from "../identity/index.js";
import type { AiAttributes } from "./ai.js";
import { toolNames } from "./agent.js";

export interface DecisionRecord {
  decisionId: string;
  headers: Record<string, string>;
  method: string;
  path: string;
  identity: Identity;
  ai: AiAttributes;
  outcome: Outcome;
  revision: string | undefined;
  evalMicros: number;
  totalMicros: number;
  budgetKey?: string;
}

export interface LogOptions {
  enabled: boolean;
  level: string;
  redactHeaders: string[];
  mask: string;
  includeHeaders: boolean;
}

export function createLogger(level: string, dest?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: "regent", pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, dest ?? pino.destination({ dest: 1, sync: false }));
}

export class DecisionLog {
  private readonly redact: Set<string>;

  constructor(private readonly logger: Logger, private readonly opts: LogOptions) {
    this.redact = new Set(opts.redactHeaders.map((h) => h.toLowerCase()));
  }

  write(r: DecisionRecord): void {
    if (!this.opts.enabled) return;
    const id = r.identity;
    const line: Record<string, unknown> = {
      msg: "decision",
      decision_id: r.decisionId,
      trace_id: traceId(r.headers),
      method: r.method,
      // A path is bounded by limits.max_path_bytes; the log keeps at most 1 KiB of it.
      path: r.path.length > 1024 ? r.path.slice(0, 1024) + "…" : r.path,
      tenant: id.tenant,
      subject: id.subject,
      actors: id.actors.length ? id.actors.map((a) => (typeof a.sub === "string" ? a.sub : a.client_id ?? "?")) : undefined,
      workload: id.workload,
      authenticated: id.authenticated,
      auth_reason: id.reason,
      model: r.ai.model,
      tools: toolNames(r.ai),
      mcp_session: r.ai.mcp?.session_id,
      result: r.outcome.allowed ? "allow" : "deny",
      http_status: r.outcome.httpStatus,
      reason: r.outcome.reason,
      error: r.outcome.error,
      refusal: r.outcome.refusal,
      budget_key: r.budgetKey,
      bundle_revision: r.revision,
      eval_us: r.evalMicros,
      total_us: r.totalMicros,
    };
    if (this.opts.includeHeaders) line.headers = this.maskHeaders(r.headers);
    if (r.outcome.error || r.outcome.refusal) this.logger.warn(line);
    else this.logger.info(line);
  }

  /** A line that is not a decision but concerns one (e.g. a budget release that failed). */
  warn(line: Record<string, unknown>): void {
    this.logger.warn(line);
  }

  maskHeaders(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) out[k] = this.redact.has(k) ? this.opts.mask : v;
    return out;
  }
}

/** W3C traceparent's trace-id, else x-request-id (Envoy's), else b3. */
export function traceId(h: Record<string, string>): string | undefined {
  const tp = h["traceparent"];
  if (tp) {
    const parts = tp.split("-");
    if (parts.length >= 4 && /^[0-9a-f]{32}$/.test(parts[1]!)) return parts[1];
  }
  return h["x-request-id"] ?? h["x-b3-traceid"];
}
