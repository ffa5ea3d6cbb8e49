/**
 * `input.ai.tools`: the tools a model request offers (OpenAI chat and Responses, Anthropic
 * Messages, Gemini), its `tool_choice`, the tool calls earlier turns made and the tool results it
 * sends back. Every shape is read at once, so mixing shapes cannot hide a tool from the policy.
 */

export interface ToolChoice {
  /** auto | none | required (OpenAI "required", Anthropic "any", Gemini "ANY") | tool (one named tool) */
  mode: string;
  /** The tools the choice names or restricts to (OpenAI/Anthropic named tool, Gemini allowedFunctionNames). */
  names: string[];
}

export interface ToolUse {
  id?: string;
  name?: string;
  /** Characters of the call's arguments or the result's content, as sent. */
  chars: number;
}

export interface ToolsInput {
  /** Every tool offered to the model, sorted and unique: function names, and built-in tool types. */
  declared: string[];
  choice?: ToolChoice;
  /** Tool calls made by the assistant in earlier turns of the conversation. */
  calls: ToolUse[];
  /** Tool results the client sends back; `name` is filled from the matching call when the format omits it. */
  results: ToolUse[];
  /** A tools field of the wrong shape: the policy should refuse rather than guess. */
  error?: "invalid_tools";
}

/** Undefined when the body mentions no tools at all. */
export function extractTools(body: unknown): ToolsInput | undefined {
  if (!isObject(body)) return undefined;
  const declared = new Set<string>();
  const out: ToolsInput = { declared: [], calls: [], results: [] };
  let seen = false;
  const bad = () => (out.error = "invalid_tools");

  for (const key of ["tools", "functions"]) {
    const list = body[key];
    if (list === undefined) continue;
    seen = true;
    if (!Array.isArray(list)) bad();
    else for (const t of list) if (!declare(t, declared)) bad();
  }
  const choice = body.tool_choice ?? body.function_call;
  if (choice !== undefined) {
    seen = true;
    const c = openAiOrAnthropicChoice(choice);
    if (c) out.choice = c;
    else bad();
  }
  const toolConfig = body.toolConfig ?? body.tool_config;
  if (toolConfig !== undefined) {
    seen = true;
    const c = geminiChoice(toolConfig);
    if (c) out.choice = c;
    else bad();
  }
  const names = new Map<string, string>();
  for (const key of ["messages", "input", "contents"]) {
    const turns = body[key];
    if (Array.isArray(turns)) for (const t of turns) conversationItem(t, out, names);
  }
  for (const r of out.results) if (r.name === undefined && r.id !== undefined && names.has(r.id)) r.name = names.get(r.id);
  if (!seen && out.calls.length === 0 && out.results.length === 0) return undefined;
  out.declared = [...declared].sort();
  return out;
}

/** One entry of `tools`: OpenAI function (chat or Responses), Anthropic tool, Gemini tool, or a built-in. */
function declare(t: unknown, into: Set<string>): boolean {
  if (!isObject(t)) return false;
  if (t.function !== undefined) {
    if (!isObject(t.function) || !isName(t.function.name)) return false;
    into.add(t.function.name);
    return true;
  }
  if (t.name !== undefined) {
    if (!isName(t.name)) return false;
    into.add(t.name);
    return true;
  }
  // A provider's built-in tool (web_search, code_interpreter, mcp, ...): its type is its name.
  if (t.type !== undefined) {
    if (!isName(t.type)) return false;
    into.add(t.type);
    return true;
  }
  // Gemini: one object may hold functionDeclarations and built-ins ({googleSearch: {}}) side by side.
  const keys = Object.keys(t);
  if (keys.length === 0) return false;
  for (const k of keys) {
    if (k !== "functionDeclarations" && k !== "function_declarations") {
      into.add(k);
      continue;
    }
    const decls = t[k];
    if (!Array.isArray(decls)) return false;
    for (const d of decls) {
      if (!isObject(d) || !isName(d.name)) return false;
      into.add(d.name);
    }
  }
  return true;
}

function openAiOrAnthropicChoice(c: unknown): ToolChoice | undefined {
  if (typeof c === "string") {
    // OpenAI: none | auto | required; legacy function_call: none | auto.
    if (c === "none" || c === "auto") return { mode: c, names: [] };
    if (c === "required") return { mode: "required", names: [] };
    return undefined;
  }
  if (!isObject(c)) return undefined;
  if (isObject(c.function) && isName(c.function.name)) return { mode: "tool", names: [c.function.name] };
  const type = c.type;
  if (type === undefined && isName(c.name)) return { mode: "tool", names: [c.name] }; // legacy function_call: {name}
  if ((type === "function" || type === "tool") && isName(c.name)) return { mode: "tool", names: [c.name] };
  if (type === "auto" || type === "none") return { mode: type, names: [] };
  if (type === "any") return { mode: "required", names: [] };
  return undefined;
}

function geminiChoice(tc: unknown): ToolChoice | undefined {
  if (!isObject(tc)) return undefined;
  const fc = tc.functionCallingConfig ?? tc.function_calling_config;
  if (fc === undefined) return { mode: "auto", names: [] };
  if (!isObject(fc)) return undefined;
  const mode = typeof fc.mode === "string" ? fc.mode.toUpperCase() : "AUTO";
  const allowed = fc.allowedFunctionNames ?? fc.allowed_function_names;
  if (allowed !== undefined && (!Array.isArray(allowed) || !allowed.every(isName))) return undefined;
  const names = (allowed as string[] | undefined) ?? [];
  if (mode === "NONE") return { mode: "none", names: [] };
  if (mode === "ANY" || mode === "VALIDATED") return { mode: names.length === 1 ? "tool" : "required", names };
  if (mode === "AUTO" || mode === "MODE_UNSPECIFIED") return { mode: "auto", names };
  return undefined;
}

/** A message (OpenAI, Anthropic), a Responses input item, or a Gemini content. */
function conversationItem(m: unknown, out: ToolsInput, names: Map<string, string>): void {
  if (!isObject(m)) return;
  // OpenAI chat: assistant tool_calls, then role "tool" results (and legacy role "function").
  if (Array.isArray(m.tool_calls)) {
    for (const c of m.tool_calls) {
      if (!isObject(c)) continue;
      const fn = isObject(c.function) ? c.function : {};
      record(out.calls, names, str(c.id), str(fn.name), fn.arguments);
    }
  }
  if (m.role === "tool") out.results.push(use(str(m.tool_call_id), undefined, m.content));
  if (m.role === "function") out.results.push(use(undefined, str(m.name), m.content));
  // OpenAI Responses input items.
  if (m.type === "function_call") record(out.calls, names, str(m.call_id), str(m.name), m.arguments);
  if (m.type === "function_call_output") out.results.push(use(str(m.call_id), undefined, m.output));
  // Anthropic content blocks, Gemini parts.
  for (const key of ["content", "parts"]) {
    const blocks = m[key];
    if (!Array.isArray(blocks)) continue;
    for (const b of blocks) {
      if (!isObject(b)) continue;
      if (b.type === "tool_use" || b.type === "server_tool_use") record(out.calls, names, str(b.id), str(b.name), b.input);
      if (b.type === "tool_result") out.results.push(use(str(b.tool_use_id), undefined, b.content));
      const call = b.functionCall ?? b.function_call;
      if (isObject(call)) record(out.calls, names, str(call.id), str(call.name), call.args);
      const resp = b.functionResponse ?? b.function_response;
      if (isObject(resp)) out.results.push(use(str(resp.id), str(resp.name), resp.response));
    }
  }
}

function record(calls: ToolUse[], names: Map<string, string>, id: string | undefined, name: string | undefined, args: unknown): void {
  calls.push(use(id, name, args));
  if (id !== undefined && name !== undefined) names.set(id, name);
}

function use(id: string | undefined, name: string | undefined, content: unknown): ToolUse {
  const u: ToolUse = { chars: chars(content) };
  if (id !== undefined) u.id = id;
  if (name !== undefined) u.name = name;
  return u;
}

export function chars(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "string") return v.length;
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    // Too deep to encode: count it as large rather than as nothing.
    return Number.MAX_SAFE_INTEGER;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function isName(v: unknown): v is string {
  return typeof v === "string" && v !== "";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
