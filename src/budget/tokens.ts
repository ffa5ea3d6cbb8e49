/**
 * Counts prompt tokens offline with gpt-tokenizer's bundled encodings: o200k_base for current
 * OpenAI models, cl100k_base for GPT-4/3.5, and o200k_base as the estimate for other vendors'
 * models (settlement from the response corrects it). Encodings load once; the choice is cached per model.
 */

type Count = (text: string) => number;

export interface Tokenizer {
  count(model: string | undefined, texts: string[]): number;
}

/** Client-chosen model names must not grow the cache without bound. */
const MAX_CACHED_MODELS = 1024;

/** Loads the encodings (about 0.25 s and 100 MB once per process), so the hot path never waits on it. */
export async function loadTokenizer(): Promise<Tokenizer> {
  const [o200k, cl100k] = await Promise.all([import("gpt-tokenizer/encoding/o200k_base"), import("gpt-tokenizer/encoding/cl100k_base")]);
  // User text may contain special-token strings such as <|endoftext|>: count them as plain text, never throw.
  const opts = { disallowedSpecial: new Set<string>() };
  const modern: Count = (t) => o200k.countTokens(t, opts);
  const legacy: Count = (t) => cl100k.countTokens(t, opts);
  const byModel = new Map<string, Count>();
  return {
    count(model, texts) {
      let fn = model === undefined ? modern : byModel.get(model);
      if (!fn) {
        fn = encodingFor(model!) === "cl100k_base" ? legacy : modern;
        if (byModel.size >= MAX_CACHED_MODELS) byModel.clear();
        byModel.set(model!, fn);
      }
      let n = 0;
      for (const t of texts) n += fn(t);
      return n;
    },
  };
}

export function encodingFor(model: string): "o200k_base" | "cl100k_base" {
  const m = model.toLowerCase().replace(/^.*\//, "");
  if (/^(gpt-4o|gpt-4\.[1-9]|gpt-5|o[1-9]|chatgpt-|gpt-oss)/.test(m)) return "o200k_base";
  if (/^(gpt-4|gpt-3\.5|text-embedding-|davinci-002|babbage-002)/.test(m)) return "cl100k_base";
  return "o200k_base";
}
