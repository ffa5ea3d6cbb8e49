/** The agent hook of input.ai: MCP on MCP routes only, tools and prompt facts elsewhere, and failures reported, not thrown. */
import { describe, expect, it } from "vitest";
import { agentAttributes } from "../../src/authz/agent.js";
import { compileAiExtractor } from "../../src/authz/ai.js";
import { defaultConfig } from "../../src/config/schema.js";

const data = {
  regent: {
    routes: [{ method: "POST", path: "/mcp", mcp: true }],
    prompt_guard: { patterns: { secret: "sk-[a-z0-9]{8}" } },
  },
};
const post = { method: "POST", hasBody: true, truncated: false };
const chat = {
  model: "gpt-4o",
  tools: [{ type: "function", function: { name: "search_docs" } }],
  messages: [{ role: "user", content: "my key is sk-abcdefgh" }],
};

describe("agentAttributes", () => {
  it("gives MCP facts on an MCP route and nothing else", () => {
    const out = agentAttributes("/mcp", {}, { jsonrpc: "2.0", id: 1, method: "ping", messages: ["x"] }, data, post);
    expect(Object.keys(out)).toEqual(["mcp"]);
    expect(out.mcp!.calls[0]).toMatchObject({ method: "ping" });
  });

  it("gives tools and prompt facts on other routes", () => {
    const out = agentAttributes("/v1/chat/completions", {}, chat, data, post);
    expect(out.tools!.declared).toEqual(["search_docs"]);
    expect(out.prompt).toEqual({ messages: 1, chars: 21, matches: ["secret"] });
    expect(agentAttributes("/v1/models", {}, undefined, data, { ...post, method: "GET", hasBody: false })).toEqual({});
  });

  it("reports a failure instead of throwing, and drops partial facts", () => {
    const hostile = {
      get regent(): unknown {
        throw new Error("boom");
      },
    };
    expect(agentAttributes("/mcp", {}, chat, hostile, post)).toEqual({ extraction_error: "agent_attributes" });
  });
});

describe("compileAiExtractor with request facts", () => {
  const extract = compileAiExtractor(defaultConfig().ai);

  it("adds the agent facts beside the model attributes only when the request facts are given", () => {
    const withFacts = extract("/v1/chat/completions", {}, chat, data, post);
    expect(withFacts).toMatchObject({ model: "gpt-4o", tools: { declared: ["search_docs"] }, prompt: { matches: ["secret"] } });
    expect(extract("/v1/chat/completions", {}, chat, data)).toEqual({ model: "gpt-4o" });
  });
});
