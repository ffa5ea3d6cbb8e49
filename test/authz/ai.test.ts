/** input.ai extraction: path patterns, body fields, headers, and classification from bundle data. */
import { describe, expect, it } from "vitest";
import { compileAiExtractor, compileRoute } from "../../src/authz/ai.js";
import { defaultConfig } from "../../src/config/schema.js";

describe("compileRoute", () => {
  it("matches named segments, * and **", () => {
    const re = compileRoute("/v1/tenants/{tenant}/collections/{collection}/*");
    expect(re.exec("/v1/tenants/acme/collections/docs/query")?.groups).toEqual({ tenant: "acme", collection: "docs" });
    expect(re.test("/v1/tenants/acme/collections/docs")).toBe(false);
    expect(compileRoute("/v1/models/{model}:predict").exec("/v1/models/gemini-pro:predict")?.groups).toEqual({ model: "gemini-pro" });
    expect(compileRoute("/files/**").test("/files/a/b/c")).toBe(true);
    expect(compileRoute("/a.b").test("/aXb")).toBe(false);
  });
});

describe("compileAiExtractor", () => {
  const ai = {
    ...defaultConfig().ai,
    routes: [
      { pattern: "/v1/chat/completions", operation: "chat" },
      { pattern: "/v1/models/{model}:predict", operation: "predict" },
      { pattern: "/v1/collections/{collection}/query", operation: "retrieve" },
    ],
    model: { path_param: "model", body_field: "model", header: "x-ai-model" },
    collection: { path_param: "collection" },
    dataset: { header: "x-dataset" },
    requested_tokens: { body_field: "max_tokens", header: "x-max-tokens" },
    classification: { header: "x-classification", data_path: "regent.datasets" },
  };
  const extract = compileAiExtractor(ai);
  const data = { regent: { datasets: { "acme-embeddings": { classification: "confidential" }, tickets: "internal" } } };

  it("takes the model from the body for OpenAI-style calls", () => {
    expect(extract("/v1/chat/completions", {}, { model: "gpt-4o", max_tokens: 512 }, data)).toEqual({ operation: "chat", model: "gpt-4o", requested_tokens: 512, max_output_tokens: 512, reserve_tokens: 512 });
  });

  it("prefers the path, then the body, then the header", () => {
    expect(extract("/v1/models/gemini-pro:predict", { "x-ai-model": "h" }, { model: "b" }, data).model).toBe("gemini-pro");
    expect(extract("/other", { "x-ai-model": "h" }, { model: "b" }, data).model).toBe("b");
    expect(extract("/other", { "x-ai-model": "h", "x-max-tokens": "64" }, undefined, data)).toEqual({ model: "h", requested_tokens: 64 });
  });

  it("classifies from bundle data before the header", () => {
    expect(extract("/v1/collections/acme-embeddings/query", { "x-classification": "public" }, undefined, data)).toMatchObject({ operation: "retrieve", collection: "acme-embeddings", classification: "confidential" });
    expect(extract("/x", { "x-dataset": "tickets" }, undefined, data).classification).toBe("internal");
    expect(extract("/x", { "x-dataset": "unknown", "x-classification": "public" }, undefined, data).classification).toBe("public");
  });

  it("ignores junk values", () => {
    expect(extract("/x", { "x-max-tokens": "lots" }, { model: 42, max_tokens: -1 }, undefined)).toEqual({});
    expect(extract("/x", {}, "a string body", undefined)).toEqual({});
  });
});
