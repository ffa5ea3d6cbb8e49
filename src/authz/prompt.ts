/**
 * `input.ai.prompt`: size and shape facts about a model request's prompt (message count, total
 * characters of text) and which of the bundle's patterns (`data.regent.prompt_guard.patterns`)
 * match it. regent only counts and matches; the policy decides whether a match flags or denies.
 */
export interface PromptInput {
  /** Messages, contents or input items in the request (a bare string prompt counts as one). */
  messages: number;
  /** Characters of all text the model would read: system text, messages, tool results. */
  chars: number;
  /** Ids of the patterns that match any of that text, sorted. */
  matches: string[];
  /** Ids of patterns in bundle data that are not valid regular expressions (never silently skipped). */
  pattern_errors?: string[];
}

interface Patterns {
  compiled: { id: string; re: RegExp }[];
  errors: string[];
}

const cache = new WeakMap<object, Patterns>();
const NONE: Patterns = { compiled: [], errors: [] };

/** Reads `data.regent.prompt_guard.patterns` once per bundle data object: `{id: "regex"}` or `{id: {pattern, flags}}`. */
export function promptPatterns(data: unknown): Patterns {
  if (typeof data !== "object" || data === null) return NONE;
  let p = cache.get(data);
  if (!p) {
    p = compile(data as Record<string, unknown>);
    cache.set(data, p);
  }
  return p;
}

function compile(data: Record<string, unknown>): Patterns {
  const regent = isObject(data.regent) ? data.regent : {};
  const guard = isObject(regent.prompt_guard) ? regent.prompt_guard : {};
  const out: Patterns = { compiled: [], errors: [] };
  if (!isObject(guard.patterns)) return out;
  for (const [id, spec] of Object.entries(guard.patterns)) {
    const source = typeof spec === "string" ? spec : isObject(spec) && typeof spec.pattern === "string" ? spec.pattern : undefined;
    const flags = isObject(spec) && typeof spec.flags === "string" ? spec.flags : "i";
    try {
      if (source === undefined) throw new Error("no pattern");
      // Only flags that change what matches; "g" and "y" would make test() stateful.
      out.compiled.push({ id, re: new RegExp(source, flags.replace(/[^imsu]/g, "")) });
    } catch {
      out.errors.push(id);
    }
  }
  return out;
}

/** Undefined when the body has no prompt in any known shape. */
export function extractPrompt(body: unknown, patterns: Patterns): PromptInput | undefined {
  if (!isObject(body)) return undefined;
  const texts: string[] = [];
  let messages = 0;
  let found = false;
  for (const key of ["messages", "contents", "input", "prompt"]) {
    const v = body[key];
    if (v === undefined) continue;
    found = true;
    if (typeof v === "string") {
      messages += 1;
      texts.push(v);
    } else if (Array.isArray(v)) {
      messages += v.length;
      for (const m of v) collect(m, texts);
    }
  }
  for (const key of ["system", "instructions", "systemInstruction", "system_instruction"]) {
    const v = body[key];
    if (v === undefined) continue;
    found = true;
    collect(v, texts);
  }
  if (!found) return undefined;
  let total = 0;
  for (const t of texts) total += t.length;
  const matches: string[] = [];
  for (const { id, re } of patterns.compiled) if (texts.some((t) => re.test(t))) matches.push(id);
  const out: PromptInput = { messages, chars: total, matches: matches.sort() };
  if (patterns.errors.length) out.pattern_errors = [...patterns.errors].sort();
  return out;
}

/**
 * Real formats nest text three or four levels deep (message → content → tool_result → content);
 * the cap keeps a hostile body from exhausting the stack. Deeper text is not read, and is not
 * counted: the policy's byte limits (request size) still bound it.
 */
const MAX_DEPTH = 8;

/** Text a model reads from one message, content block, part or input item. */
function collect(v: unknown, texts: string[], depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (typeof v === "string") {
    texts.push(v);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) collect(x, texts, depth + 1);
    return;
  }
  if (!isObject(v)) return;
  if (typeof v.text === "string") texts.push(v.text);
  for (const key of ["content", "parts", "output"]) if (v[key] !== undefined) collect(v[key], texts, depth + 1);
  // Tool results in structured form (Gemini functionResponse) are read as their JSON text.
  const resp = v.functionResponse ?? v.function_response;
  if (isObject(resp) && resp.response !== undefined) texts.push(safeJson(resp.response));
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "";
  } catch {
    return "";
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
