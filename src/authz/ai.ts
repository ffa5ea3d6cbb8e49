/**
 * Extracts `input.ai` (model, operation, dataset, collection, classification, requested
 * tokens) as configured: path patterns like `/v1/tenants/{tenant}/collections/{collection}/*`,
 * headers, or JSON body fields such as OpenAI's `model` and `max_tokens`. Compiled once at start.
 */
import type { AttributeSource, ServeConfig } from "../config/schema.js";
import { agentAttributes, type AgentAttributes, type RequestFacts } from "./agent.js";
import { compileRoute } from "./route-pattern.js";
import { maxOutputTokens, modelDefaultOutput, promptTexts } from "../budget/prompt.js";
import type { Tokenizer } from "../budget/tokens.js";

export { compileRoute };

export interface AiAttributes extends AgentAttributes {
  model?: string;
  operation?: string;
  dataset?: string;
  collection?: string;
  classification?: string;
  requested_tokens?: number;
  /** Prompt tokens counted from the body (when ai.tokens.count_prompt is on). */
  prompt_tokens?: number;
  /** The request's output limit, else the model's default from data, else the config's. */
  max_output_tokens?: number;
  /** prompt_tokens + max_output_tokens: what a budget reserves for this request. */
  reserve_tokens?: number;
}

interface CompiledRoute {
  re: RegExp;
  operation?: string;
}

export type AiExtractor = (
  path: string,
  headers: Record<string, string>,
  body: unknown,
  data: unknown,
  req?: RequestFacts,
) => AiAttributes;

export function compileAiExtractor(ai: ServeConfig["ai"], tokenizer?: Tokenizer): AiExtractor {
  const routes: CompiledRoute[] = ai.routes.map((r) => ({ re: compileRoute(r.pattern), operation: r.operation }));
  const dataPath = ai.classification.data_path.split(".").filter(Boolean);
  const classHeader = ai.classification.header;
  return (path, headers, body, data, req) => {
    let params: Record<string, string> | undefined;
    const out: AiAttributes = {};
    for (const r of routes) {
      const m = r.re.exec(path);
      if (m) {
        params = m.groups;
        if (r.operation) out.operation = r.operation;
        break;
      }
    }
    const model = pick(ai.model, params, headers, body);
    if (typeof model === "string") out.model = model;
    const dataset = pick(ai.dataset, params, headers, body);
    if (typeof dataset === "string") out.dataset = dataset;
    const collection = pick(ai.collection, params, headers, body);
    if (typeof collection === "string") out.collection = collection;
    const tokens = toCount(pick(ai.requested_tokens, params, headers, body));
    if (tokens !== undefined) out.requested_tokens = tokens;
    tokenFields(out, body, data, ai.tokens, tokenizer);
    // Bundle data is the operator's word and beats a client-supplied header.
    const fromData = classificationFromData(data, dataPath, out.dataset ?? out.collection);
    if (fromData !== undefined) out.classification = fromData;
    else if (classHeader && headers[classHeader] !== undefined) out.classification = headers[classHeader];
    if (req) Object.assign(out, agentAttributes(path, headers, body, data, req));
    return out;
  };
}

/** Sources are tried in a fixed order: path parameter, JSON body field, header. */
function pick(src: AttributeSource, params: Record<string, string> | undefined, headers: Record<string, string>, body: unknown): unknown {
  if (src.path_param && params && params[src.path_param] !== undefined) return safeDecode(params[src.path_param]!);
  if (src.body_field && body !== undefined) {
    const v = field(body, src.body_field);
    if (v !== undefined && v !== null) return v;
  }
  if (src.header) return headers[src.header];
  return undefined;
}

function tokenFields(out: AiAttributes, body: unknown, data: unknown, cfg: ServeConfig["ai"]["tokens"], tokenizer?: Tokenizer): void {
  const maxOut = maxOutputTokens(body) ?? modelDefaultOutput(data, cfg.models_data_path, out.model) ?? (cfg.default_max_output_tokens || undefined);
  if (maxOut !== undefined) out.max_output_tokens = maxOut;
  if (tokenizer && body !== undefined) out.prompt_tokens = tokenizer.count(out.model, promptTexts(body));
  if (out.prompt_tokens !== undefined || maxOut !== undefined) out.reserve_tokens = (out.prompt_tokens ?? 0) + (maxOut ?? 0);
}

function field(body: unknown, dotted: string): unknown {
  let v = body;
  for (const part of dotted.split(".")) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function toCount(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,15}$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

function classificationFromData(data: unknown, path: string[], name: string | undefined): string | undefined {
  if (name === undefined || path.length === 0) return undefined;
  let v = data;
  for (const p of [...path, name]) {
    if (typeof v !== "object" || v === null || !Object.prototype.hasOwnProperty.call(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null && typeof (v as Record<string, unknown>).classification === "string")
    return (v as Record<string, string>).classification;
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
