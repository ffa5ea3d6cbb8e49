/** input.ai.tools: declared tools, tool_choice, calls and results for OpenAI, Anthropic and Gemini bodies. */
import { describe, expect, it } from "vitest";
import { extractTools } from "../../src/authz/tools.js";

describe("extractTools", () => {
  it("is undefined for a body without tools", () => {
    expect(extractTools({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })).toBeUndefined();
    expect(extractTools(undefined)).toBeUndefined();
    expect(extractTools([{ tools: [] }])).toBeUndefined();
  });

  it("reads OpenAI chat: function tools, named tool_choice, tool_calls and role tool results", () => {
    const out = extractTools({
      model: "gpt-4o",
      tools: [
        { type: "function", function: { name: "search_docs", parameters: {} } },
        { type: "function", function: { name: "delete_repo" } },
      ],
      tool_choice: { type: "function", function: { name: "search_docs" } },
      messages: [
        { role: "user", content: "find refunds" },
        { role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name: "search_docs", arguments: "{\"q\":\"r\"}" } }] },
        { role: "tool", tool_call_id: "c1", content: "three documents" },
      ],
    });
    expect(out).toEqual({
      declared: ["delete_repo", "search_docs"],
      choice: { mode: "tool", names: ["search_docs"] },
      calls: [{ id: "c1", name: "search_docs", chars: 9 }],
      results: [{ id: "c1", name: "search_docs", chars: 15 }],
    });
  });

  it("reads OpenAI string choices, legacy functions, Responses tools and items", () => {
    expect(extractTools({ tools: [], tool_choice: "required" })!.choice).toEqual({ mode: "required", names: [] });
    expect(extractTools({ tools: [], tool_choice: "none" })!.choice).toEqual({ mode: "none", names: [] });
    expect(extractTools({ functions: [{ name: "f" }], function_call: { name: "f" } })).toMatchObject({ declared: ["f"], choice: { mode: "tool", names: ["f"] } });
    const out = extractTools({
      tools: [{ type: "function", name: "lookup" }, { type: "web_search" }, { type: "mcp", server_label: "x" }],
      tool_choice: { type: "function", name: "lookup" },
      input: [
        { type: "function_call", call_id: "k", name: "lookup", arguments: "{}" },
        { type: "function_call_output", call_id: "k", output: "ok" },
      ],
    });
    expect(out).toEqual({
      declared: ["lookup", "mcp", "web_search"],
      choice: { mode: "tool", names: ["lookup"] },
      calls: [{ id: "k", name: "lookup", chars: 2 }],
      results: [{ id: "k", name: "lookup", chars: 2 }],
    });
  });

  it("reads Anthropic: tools, tool_choice any/tool, tool_use and tool_result blocks", () => {
    const out = extractTools({
      model: "claude-sonnet-4",
      tools: [{ name: "get_weather", input_schema: {} }, { type: "web_search_20250305", name: "web_search" }],
      tool_choice: { type: "tool", name: "get_weather" },
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "tu1", name: "get_weather", input: { city: "Oslo" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "tu1", content: "rain" }] },
      ],
    });
    expect(out).toEqual({
      declared: ["get_weather", "web_search"],
      choice: { mode: "tool", names: ["get_weather"] },
      calls: [{ id: "tu1", name: "get_weather", chars: 15 }],
      results: [{ id: "tu1", name: "get_weather", chars: 4 }],
    });
    expect(extractTools({ tools: [], tool_choice: { type: "any" } })!.choice).toEqual({ mode: "required", names: [] });
    expect(extractTools({ tools: [], tool_choice: { type: "auto" } })!.choice).toEqual({ mode: "auto", names: [] });
  });

  it("reads Gemini: functionDeclarations beside built-ins, toolConfig, functionCall and functionResponse", () => {
    const out = extractTools({
      contents: [
        { role: "model", parts: [{ functionCall: { name: "find_flights", args: { to: "OSL" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "find_flights", response: { n: 2 } } }] },
      ],
      tools: [{ functionDeclarations: [{ name: "find_flights" }], googleSearch: {} }, { codeExecution: {} }],
      toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["find_flights"] } },
    });
    expect(out).toEqual({
      declared: ["codeExecution", "find_flights", "googleSearch"],
      choice: { mode: "tool", names: ["find_flights"] },
      calls: [{ name: "find_flights", chars: 12 }],
      results: [{ name: "find_flights", chars: 7 }],
    });
    expect(extractTools({ tool_config: { function_calling_config: { mode: "none" } } })!.choice).toEqual({ mode: "none", names: [] });
    expect(extractTools({ toolConfig: {} })!.choice).toEqual({ mode: "auto", names: [] });
  });

  it("flags tools of the wrong shape instead of skipping them", () => {
    for (const body of [
      { tools: "search_docs" },
      { tools: [{}] },
      { tools: [7] },
      { tools: [{ function: { name: 1 } }] },
      { tools: [{ name: "" }] },
      { tools: [{ type: 3 }] },
      { tools: [{ functionDeclarations: "x" }] },
      { tools: [{ functionDeclarations: [{}] }] },
      { tool_choice: "sometimes" },
      { tool_choice: { type: "tool" } },
      { tool_choice: 4 },
      { toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [1] } } },
      { toolConfig: { functionCallingConfig: { mode: "MAYBE" } } },
      { toolConfig: 1 },
    ]) {
      expect(extractTools(body)?.error, JSON.stringify(body)).toBe("invalid_tools");
    }
  });
});
