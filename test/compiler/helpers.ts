/**
 * Test helpers: compile Rego with the real compiler and evaluate it through the published
 * opa-wasm SDK (via the evaluator), as users and the sidecar do.
 */
import { compile } from "../../src/compiler/index.js";
import { loadPolicy } from "../../src/evaluator/index.js";

export async function evalRego(source: string | string[], entrypoint: string, input?: unknown, data: unknown = {}): Promise<unknown[]> {
  const sources = Array.isArray(source) ? source : [source];
  const { wasm } = await compile({
    modules: sources.map((s, i) => ({ path: `m${i}.rego`, source: s })),
    entrypoints: [entrypoint],
  });
  const policy = await loadPolicy(wasm);
  policy.setData(data);
  return policy.evaluate(input, entrypoint).map((r) => r.result);
}

/** The single result's value, or undefined when the result set is empty. */
export async function value(source: string | string[], entrypoint: string, input?: unknown, data?: unknown): Promise<unknown> {
  const rs = await evalRego(source, entrypoint, input, data);
  return rs.length === 0 ? undefined : rs[0];
}

/** The errors compile() throws, as `file:row:col: code: message` strings. */
export async function compileErrors(source: string | string[], entrypoint = "test/p"): Promise<string[]> {
  const sources = Array.isArray(source) ? source : [source];
  try {
    await compile({ modules: sources.map((s, i) => ({ path: `m${i}.rego`, source: s })), entrypoints: [entrypoint] });
  } catch (e) {
    const errs = (e as { errors?: unknown[] }).errors;
    if (errs) return errs.map(String);
    throw e;
  }
  return [];
}
