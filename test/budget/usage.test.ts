/** Usage from JSON and SSE responses in OpenAI, Anthropic and Gemini shapes, and the settlement body. */
import { describe, expect, it } from "vitest";
import { SseUsage, usageFromJson, usageTotal } from "../../src/budget/usage.js";
import { parseSettleBody } from "../../src/authz/settle-http.js";

const sse = (events: unknown[], done = false) => events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "");

function streamed(text: string, cut = 7): number | undefined {
  const u = new SseUsage();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += cut) u.push(bytes.subarray(i, i + cut));
  return usageTotal(u.end());
}

describe("usage from a response", () => {
  it("reads JSON bodies", () => {
    expect(usageTotal(usageFromJson(JSON.stringify({ usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })))).toBe(15);
    expect(usageTotal(usageFromJson(JSON.stringify({ object: "response", usage: { input_tokens: 8, output_tokens: 2, total_tokens: 10 } })))).toBe(10);
    expect(usageTotal(usageFromJson(JSON.stringify({ usage: { input_tokens: 20, cache_read_input_tokens: 100, output_tokens: 7 } })))).toBe(127);
    expect(usageTotal(usageFromJson(JSON.stringify({ usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 6, totalTokenCount: 11 } })))).toBe(11);
    expect(usageTotal(usageFromJson(JSON.stringify([{ usageMetadata: { promptTokenCount: 4 } }, { usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 9 } }])))).toBe(13);
    expect(usageTotal(usageFromJson("{not json"))).toBeUndefined();
    expect(usageTotal(usageFromJson(JSON.stringify({ usage: { prompt_tokens: -3, completion_tokens: "x" } })))).toBeUndefined();
  });

  it("reads SSE streams cut anywhere", () => {
    const openai = sse([{ choices: [{ delta: { content: "hi" } }], usage: null }, { choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } }], true);
    expect(streamed(openai)).toBe(12);
    const responses = sse([{ type: "response.created", response: { usage: null } }, { type: "response.completed", response: { usage: { input_tokens: 5, output_tokens: 6, total_tokens: 11 } } }]);
    expect(streamed(responses, 3)).toBe(11);
    const anthropic = sse([{ type: "message_start", message: { usage: { input_tokens: 25, output_tokens: 1 } } }, { type: "message_delta", usage: { output_tokens: 15 } }]);
    expect(streamed(anthropic)).toBe(40);
    const gemini = sse([{ usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 } }, { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 8, totalTokenCount: 11 } }]);
    expect(streamed(gemini.replace(/\n/g, "\r\n"))).toBe(11);
    expect(streamed("data: {broken\n\ndata: [DONE]\n\n")).toBeUndefined();
  });
});

describe("the settlement endpoint's body", () => {
  it("accepts a reservation with a status and the provider's usage object", () => {
    expect(parseSettleBody(JSON.stringify({ reservation: "a.YQ", status: 200, usage: { prompt_tokens: 1, completion_tokens: 2 } }))).toEqual({ reservation: "a.YQ", status: 200, usage: { input: 1, output: 2 } });
    expect(parseSettleBody(JSON.stringify({ reservation: "a.YQ", usage: { total_tokens: 5 } })).usage).toEqual({ total: 5 });
    expect(parseSettleBody(JSON.stringify({ reservation: "a.YQ", usage: { usageMetadata: { totalTokenCount: 3 } } })).usage).toMatchObject({ total: 3 });
  });

  it("refuses bad input with budget_settle_error", () => {
    for (const bad of ["[]", "{", JSON.stringify({}), JSON.stringify({ reservation: "a.YQ", status: 99 }), JSON.stringify({ reservation: "a.YQ", usage: { foo: 1 } })])
      expect(() => parseSettleBody(bad)).toThrow(expect.objectContaining({ code: "budget_settle_error" }));
  });
});
