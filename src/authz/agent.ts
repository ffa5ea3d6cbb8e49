/**
 * The agent-facing parts of `input.ai`: MCP calls on routes bundle data marks `mcp: true`, tools in
 * model requests, and prompt guard facts. Kept apart from ai.ts so that file stays about the
 * model, dataset and token attributes; nothing here throws, a failure becomes an `error` field.
 */
import { isMcpRoute, mcpSettings, parseMcp, type McpInput } from "./mcp.js";
import { extractPrompt, promptPatterns, type PromptInput } from "./prompt.js";
import { extractTools, type ToolsInput } from "./tools.js";

export interface AgentAttributes {
  mcp?: McpInput;
  tools?: ToolsInput;
  prompt?: PromptInput;
  /** Set when extraction itself failed; the reference policy denies on it. */
  extraction_error?: "agent_attributes";
}

/** What the extractor needs beyond the path, headers and parsed body. */
export interface RequestFacts {
  method: string;
  /** The request carried a body (parsed or not). */
  hasBody: boolean;
  /** The body as sent (MCP refuses repeated JSON keys, which parsers resolve differently). */
  raw?: string | Buffer;
  truncated: boolean;
}

/**
 * The tools a request uses, for the decision log (agent actions must be auditable): MCP tools and
 * prompts by name, and the tools a model request offers. Names only, never arguments.
 */
export function toolNames(a: AgentAttributes): string[] | undefined {
  const names = new Set<string>();
  for (const c of a.mcp?.calls ?? []) {
    if (c.tool !== undefined) names.add(c.tool);
    if (c.prompt !== undefined) names.add(`prompt:${c.prompt}`);
  }
  for (const t of a.tools?.declared ?? []) names.add(t);
  return names.size ? [...names].sort() : undefined;
}

export function agentAttributes(
  path: string,
  headers: Record<string, string>,
  body: unknown,
  data: unknown,
  req: RequestFacts,
): AgentAttributes {
  const out: AgentAttributes = {};
  try {
    const settings = mcpSettings(data);
    if (isMcpRoute(settings, req.method, path)) {
      out.mcp = parseMcp({ method: req.method, path, headers, body, hasBody: req.hasBody, raw: req.raw, truncated: req.truncated }, settings);
      return out;
    }
    const tools = extractTools(body);
    if (tools) out.tools = tools;
    const prompt = extractPrompt(body, promptPatterns(data));
    if (prompt) out.prompt = prompt;
  } catch {
    // A parser bug must not become an allow by leaving facts out: drop the partial facts and
    // say that extraction failed, which the reference policy denies on.
    return { extraction_error: "agent_attributes" };
  }
  return out;
}
