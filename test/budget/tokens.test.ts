/** Prompt text from OpenAI, Anthropic and Gemini bodies, every output-limit field, and counts equal to the tokenizer's. */
import { beforeAll, describe, expect, it } from "vitest";
import { countTokens as o200k } from "gpt-tokenizer/encoding/o200k_base";
import { countTokens as cl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { maxOutputTokens, modelDefaultOutput, promptTexts } from "../../src/budget/prompt.js";
import { encodingFor, loadTokenizer, type Tokenizer } from "../../src/budget/tokens.js";

let tk: Tokenizer;
beforeAll(async () => {
  tk = await loadTokenizer();
});

const system = "You are a careful assistant. Answer in French.";
const user = "Résume ce texte : « Le chat dort sur le canapé depuis midi. » 🐈";
const plain = { disallowedSpecial: new Set<string>() };

const bodies = {
  openaiChat: { model: "gpt-4o", max_completion_tokens: 256, messages: [{ role: "system", content: system }, { role: "user", content: [{ type: "text", text: user }, { type: "image_url", image_url: { url: "https://x/y.png" } }] }] },
  openaiResponses: { model: "gpt-4.1", instructions: system, input: [{ role: "user", content: [{ type: "input_text", text: user }] }], max_output_tokens: 300 },
  openaiLegacy: { model: "gpt-3.5-turbo", max_tokens: 64, messages: [{ role: "system", content: system }, { role: "user", content: user }] },
  anthropic: { model: "claude-sonnet-4", max_tokens: 1024, system: [{ type: "text", text: system }], messages: [{ role: "user", content: [{ type: "text", text: user }] }] },
  gemini: { systemInstruction: { parts: [{ text: system }] }, contents: [{ role: "user", parts: [{ text: user }] }], generationConfig: { maxOutputTokens: 512 } },
};

describe("prompt text and output limits", () => {
  it("reads the prompt pieces of each provider's shape", () => {
    for (const b of Object.values(bodies)) expect(promptTexts(b)).toEqual([system, user]);
    expect(promptTexts({ prompt: ["a", "b"] })).toEqual(["a", "b"]);
    expect(promptTexts("not an object")).toEqual([]);
    expect(promptTexts({ messages: [{ content: { nested: { deeper: "x" } } }] })).toEqual([]);
  });

  it("reads every output-limit field", () => {
    expect(maxOutputTokens(bodies.openaiChat)).toBe(256);
    expect(maxOutputTokens(bodies.openaiResponses)).toBe(300);
    expect(maxOutputTokens(bodies.openaiLegacy)).toBe(64);
    expect(maxOutputTokens(bodies.anthropic)).toBe(1024);
    expect(maxOutputTokens(bodies.gemini)).toBe(512);
    expect(maxOutputTokens({ generation_config: { max_output_tokens: 9 } })).toBe(9);
    expect(maxOutputTokens({ max_tokens: -1 })).toBeUndefined();
    expect(maxOutputTokens({ max_tokens: "100" })).toBeUndefined();
  });

  it("takes a per-model default from data", () => {
    const data = { regent: { models: { "gpt-4o": { max_output_tokens: 4096 }, bad: { max_output_tokens: 1.5 } } } };
    expect(modelDefaultOutput(data, "regent.models", "gpt-4o")).toBe(4096);
    expect(modelDefaultOutput(data, "regent.models", "bad")).toBeUndefined();
    expect(modelDefaultOutput(data, "regent.models", "constructor")).toBeUndefined();
  });
});

describe("token counts", () => {
  it("match the tokenizer's on fixed OpenAI and Anthropic bodies", () => {
    const expected200 = o200k(system, plain) + o200k(user, plain);
    expect(tk.count("gpt-4o", promptTexts(bodies.openaiChat))).toBe(expected200);
    expect(tk.count("gpt-4.1", promptTexts(bodies.openaiResponses))).toBe(expected200);
    expect(tk.count("gpt-3.5-turbo", promptTexts(bodies.openaiLegacy))).toBe(cl100k(system, plain) + cl100k(user, plain));
    // Other vendors' models are estimated with o200k_base; settlement corrects the estimate.
    expect(tk.count("claude-sonnet-4", promptTexts(bodies.anthropic))).toBe(expected200);
    // Fixed figures, so a tokenizer upgrade that changes counts is noticed.
    expect(tk.count("gpt-4o", ["hello world"])).toBe(2);
    expect(tk.count("gpt-4", ["hello world"])).toBe(2);
  });

  it("counts special-token text as plain text instead of throwing", () => {
    expect(tk.count("gpt-4o", ["<|endoftext|>"])).toBeGreaterThan(1);
  });

  it("picks the encoding by model", () => {
    expect(encodingFor("gpt-4o-mini")).toBe("o200k_base");
    expect(encodingFor("openai/gpt-5")).toBe("o200k_base");
    expect(encodingFor("o3-mini")).toBe("o200k_base");
    expect(encodingFor("gpt-4-turbo")).toBe("cl100k_base");
    expect(encodingFor("gemini-2.5-pro")).toBe("o200k_base");
  });
});
