/**
 * Reads the real token usage from a model response: JSON bodies and SSE streams, in OpenAI
 * (chat `usage`, Responses `response.usage`), Anthropic (`message_start` + `message_delta`) and
 * Gemini (`usageMetadata`, also a JSON array of chunks) shapes. Pure and incremental; never throws.
 */

export interface Usage {
  input?: number;
  output?: number;
  total?: number;
}

/** The tokens to charge: the reported total, else input + output; undefined when nothing was reported. */
export function usageTotal(u: Usage): number | undefined {
  if (u.total !== undefined) return u.total;
  if (u.input === undefined && u.output === undefined) return undefined;
  return (u.input ?? 0) + (u.output ?? 0);
}

/** Folds one parsed JSON value (a body, an SSE event's data, a chunk) into `acc`; later reports win. */
export function foldUsage(acc: Usage, v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v.slice(-64)) foldUsage(acc, x); // Gemini's non-SSE stream: an array of chunks
    return;
  }
  if (!isObject(v)) return;
  const nested = [v.usage, isObject(v.response) ? v.response.usage : undefined, isObject(v.message) ? v.message.usage : undefined];
  for (const u of nested) {
    if (!isObject(u)) continue;
    const input = sum(n(u.prompt_tokens) ?? n(u.input_tokens), n(u.cache_creation_input_tokens), n(u.cache_read_input_tokens));
    const output = n(u.completion_tokens) ?? n(u.output_tokens);
    if (input !== undefined) acc.input = input;
    if (output !== undefined) acc.output = output;
    const total = n(u.total_tokens);
    // Anthropic reports no total; its message_delta updates output only, so a stale total must not win.
    acc.total = total;
  }
  const g = v.usageMetadata;
  if (isObject(g)) {
    const input = n(g.promptTokenCount);
    const output = sum(n(g.candidatesTokenCount), n(g.thoughtsTokenCount));
    if (input !== undefined) acc.input = input;
    if (output !== undefined) acc.output = output;
    acc.total = n(g.totalTokenCount);
  }
}

/** Parses a whole JSON body; a body that is not JSON yields no usage. */
export function usageFromJson(text: string): Usage {
  const acc: Usage = {};
  try {
    foldUsage(acc, JSON.parse(text));
  } catch {
    // not JSON: no usage
  }
  return acc;
}

/** Longest SSE line kept while waiting for its end; longer lines carry no usage worth the memory. */
const MAX_LINE = 1 << 20;

/** An SSE stream fed chunk by chunk: each `data:` line that is JSON is folded in. */
export class SseUsage {
  readonly usage: Usage = {};
  private buf = "";
  private skipping = false;
  private readonly decoder = new TextDecoder();

  push(chunk: Uint8Array): void {
    this.buf += this.decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = this.buf.indexOf("\n")) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (this.skipping) this.skipping = false;
      else this.line(line);
    }
    if (this.buf.length > MAX_LINE) {
      this.buf = "";
      this.skipping = true;
    }
  }

  end(): Usage {
    if (!this.skipping && this.buf) this.line(this.buf);
    this.buf = "";
    return this.usage;
  }

  private line(raw: string): void {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!line.startsWith("data:")) return;
    const data = line.slice(5).trim();
    if (!data || data === "[DONE]") return;
    try {
      foldUsage(this.usage, JSON.parse(data));
    } catch {
      // a data line that is not JSON carries no usage
    }
  }
}

function n(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER ? v : undefined;
}

function sum(first: number | undefined, ...rest: (number | undefined)[]): number | undefined {
  if (first === undefined) return undefined;
  return rest.reduce<number>((a, b) => a + (b ?? 0), first);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
