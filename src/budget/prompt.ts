/**
 * What a model request asks for, read from its JSON body: the prompt's text pieces (OpenAI chat
 * and Responses, Anthropic messages, Gemini generateContent, legacy completions) and the output
 * limit from any field a provider uses. Pure; tokens.ts counts the pieces.
 */

/** Top-level fields that carry prompt text, across the providers. */
const PROMPT_FIELDS = ["system", "systemInstruction", "system_instruction", "instructions", "messages", "input", "contents", "prompt"];
/** Fields inside a message or part that carry text; images, audio and files are not text tokens. */
const TEXT_FIELDS = ["content", "text", "parts"];
/** A hostile body cannot make the walk unbounded. */
const MAX_DEPTH = 8;
const MAX_PIECES = 10_000;

/** The prompt's text pieces in body order; empty when the body has none of the known shapes. */
export function promptTexts(body: unknown): string[] {
  const out: string[] = [];
  if (!isObject(body)) return out;
  for (const f of PROMPT_FIELDS) if (Object.prototype.hasOwnProperty.call(body, f)) collect(body[f], 0, out);
  return out;
}

function collect(v: unknown, depth: number, out: string[]): void {
  if (out.length >= MAX_PIECES || depth > MAX_DEPTH) return;
  if (typeof v === "string") {
    if (v) out.push(v);
  } else if (Array.isArray(v)) {
    for (const x of v) collect(x, depth + 1, out);
  } else if (isObject(v)) {
    for (const f of TEXT_FIELDS) if (Object.prototype.hasOwnProperty.call(v, f)) collect(v[f], depth + 1, out);
  }
}

/** OpenAI chat (`max_tokens`, `max_completion_tokens`), Responses (`max_output_tokens`), Anthropic (`max_tokens`), Gemini (`generationConfig.maxOutputTokens`). */
export function maxOutputTokens(body: unknown): number | undefined {
  if (!isObject(body)) return undefined;
  for (const f of ["max_completion_tokens", "max_output_tokens", "max_tokens"]) {
    const n = count(body[f]);
    if (n !== undefined) return n;
  }
  for (const g of ["generationConfig", "generation_config"]) {
    const cfg = body[g];
    if (isObject(cfg)) {
      const n = count(cfg.maxOutputTokens ?? cfg.max_output_tokens);
      if (n !== undefined) return n;
    }
  }
  return undefined;
}

/** The per-model default output limit from bundle data: `<path>.<model>.max_output_tokens`. */
export function modelDefaultOutput(data: unknown, path: string, model: string | undefined): number | undefined {
  if (model === undefined) return undefined;
  let v = data;
  for (const p of [...path.split(".").filter(Boolean), model]) {
    if (!isObject(v) || !Object.prototype.hasOwnProperty.call(v, p)) return undefined;
    v = v[p];
  }
  return isObject(v) ? count(v.max_output_tokens) : undefined;
}

function count(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER ? v : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
