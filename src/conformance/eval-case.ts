/**
 * Runs one conformance case end to end through regent's real path: compile the modules (the
 * query's rule as the entrypoint, or the query itself as a module), load the module with the
 * published opa-wasm SDK, evaluate with the case's data and input, and compare with the case.
 */
import { isDeepStrictEqual } from "node:util";
import { compile } from "../compiler/index.js";
import { EXPRESSION_VALUES, queryModule, ruleQuery } from "../compiler/query.js";
import { loadPolicy as sdkLoadPolicy } from "@open-policy-agent/opa-wasm";
import { loadPolicy, toRegentError } from "../evaluator/index.js";
import { hostBuiltins, strictHostBuiltins } from "../builtins/index.js";
import { OPA_WASM_NATIVE } from "../builtins/decls.js";
import { RegentError, RegentErrors } from "../errors.js";
import { parseTerm } from "../rego/index.js";
import type { Term } from "../rego/ast.js";
import { moduleFileName } from "./parse-stage.js";

export interface EvalCaseInput {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Record<string, unknown>[];
  want_error?: string;
  want_error_code?: string;
  sort_bindings?: boolean;
  strict_error?: boolean;
}

export type EvalOutcome = { status: "pass" } | { status: "fail"; reason: string } | { status: "skip"; reason: string };

/**
 * Which host runs the module: regent's evaluator with regent's host built-ins, or the published
 * opa-wasm SDK alone, with nothing of regent's (the portability check of `--stage sdk`).
 */
export type Host = "regent" | "stock";

/**
 * Runs one case; the cases skipped on purpose never reach here (skips.ts lists them). With the
 * stock host, a case that fails and needs a built-in that OPA's own modules also import from
 * their host (SDK-dependent) is counted apart as a skip, with that reason.
 */
export async function runEvalCase(c: EvalCaseInput, host: Host = "regent"): Promise<EvalOutcome> {
  const direct = ruleQuery(c.query);
  const query = direct ? null : tryQueryModule(c.query);
  if (!direct && query instanceof RegentErrors) return { status: "fail", reason: `query does not parse: ${query.message}` };
  const modules = (c.modules ?? []).map((source, i) => ({ path: moduleFileName(i), source }));
  if (query && !(query instanceof RegentErrors)) modules.push({ path: "query.rego", source: query.source });
  const entrypoint = direct ? direct.entrypoint : (query as { entrypoint: string }).entrypoint;

  let input: unknown;
  if (c.input_term !== undefined) {
    try {
      input = termToJSON(parseTerm(c.input_term, "input_term"));
    } catch (e) {
      return { status: "fail", reason: `input_term is not a JSON value: ${(e as Error).message}` };
    }
  } else input = c.input;

  let bindings: unknown[];
  let sdkDependent: string[] = [];
  try {
    const compiled = await compile({ modules, entrypoints: [entrypoint], annotatedEntrypoints: false });
    // A `regent:` alias is regent's own calling convention, which no other host has: never apart.
    sdkDependent = compiled.builtins.some((b) => b.includes(":")) ? [] : compiled.builtins.filter((b) => !OPA_WASM_NATIVE.has(b));
    const policy =
      host === "regent"
        ? await loadPolicy(compiled.wasm, { builtins: c.strict_error ? strictHostBuiltins : hostBuiltins })
        : await loadStock(compiled.wasm, c.strict_error === true);
    policy.setData(c.data ?? {});
    const rs = policy.evaluate(input, entrypoint);
    if (direct) bindings = rs.length > 0 ? [{ [direct.variable]: rs[0]!.result }] : [];
    else bindings = rs.length > 0 ? (rs[0]!.result as Record<string, unknown>[]).map(({ [EXPRESSION_VALUES]: _values, ...b }) => b) : [];
  } catch (e) {
    return apart(compareError(c, e), sdkDependent);
  }
  return apart(compareResult(c, bindings), sdkDependent);
}

/** A stock-SDK failure of a case that needs SDK-dependent built-ins is counted apart. */
function apart(outcome: EvalOutcome, sdkDependent: string[]): EvalOutcome {
  if (outcome.status !== "fail" || sdkDependent.length === 0) return outcome;
  return { status: "skip", reason: `SDK-dependent built-ins (as in OPA's own modules): ${sdkDependent.join(", ")}` };
}

/**
 * The published SDK with no custom built-ins. Only the strict-errors switch of the module is
 * set, as a host that wants OPA's strict built-in errors would; errors become RegentErrors so
 * that codes compare.
 */
async function loadStock(wasm: Uint8Array, strict: boolean): Promise<{ setData(d: unknown): void; evaluate(i: unknown, e: string): { result: unknown }[] }> {
  const policy = (await sdkLoadPolicy(wasm)) as unknown as {
    wasmInstance: WebAssembly.Instance;
    setData(d: unknown): void;
    evaluate(i: unknown, e: string): { result: unknown }[];
  };
  const flag = policy.wasmInstance.exports.regent_strict_builtin_errors;
  if (strict && flag instanceof WebAssembly.Global) flag.value = 1;
  return {
    setData: (d) => policy.setData(d),
    evaluate: (i, e) => {
      try {
        return policy.evaluate(i, e);
      } catch (err) {
        throw toRegentError(err);
      }
    },
  };
}

function compareResult(c: EvalCaseInput, bindings: unknown[]): EvalOutcome {
  if (c.want_error_code || c.want_error) {
    return { status: "fail", reason: `want error ${c.want_error_code ?? ""} ${c.want_error ?? ""}, got result ${JSON.stringify(bindings)}` };
  }
  const want = c.want_result ?? [];
  const got = c.sort_bindings ? sortBindings(bindings) : bindings;
  const wanted = c.sort_bindings ? sortBindings(want) : want;
  if (isDeepStrictEqual(normalize(got), normalize(wanted))) return { status: "pass" };
  return { status: "fail", reason: `want ${JSON.stringify(wanted)}, got ${JSON.stringify(got)}` };
}

function tryQueryModule(q: string): ReturnType<typeof queryModule> | RegentErrors {
  try {
    return queryModule(q);
  } catch (e) {
    if (e instanceof RegentErrors) return e;
    throw e;
  }
}

function compareError(c: EvalCaseInput, e: unknown): EvalOutcome {
  const errors: RegentError[] = e instanceof RegentErrors ? e.errors : e instanceof RegentError ? [e] : [];
  if (errors.length === 0) return { status: "fail", reason: `crashed: ${(e as Error)?.stack ?? String(e)}` };
  const text = errors.map((x) => x.toString()).join("\n");
  if (!c.want_error_code && !c.want_error) return { status: "fail", reason: `unexpected error: ${text}` };
  if (c.want_error_code && !errors.some((x) => x.code === c.want_error_code)) {
    return { status: "fail", reason: `want error code ${c.want_error_code}, got: ${text}` };
  }
  // OPA's own rendering of run-time errors is `file:row: code: message` (no column).
  const renderings = (x: RegentError) => [x.toString(), x.location ? `${x.location.file}:${x.location.row}: ${x.code}: ${x.message}` : ""];
  if (c.want_error && !errors.some((x) => renderings(x).some((r) => r.includes(c.want_error!)))) {
    return { status: "fail", reason: `want error "${c.want_error}", got: ${text}` };
  }
  return { status: "pass" };
}

/** A ground term as JSON; sets become sorted arrays, as they would after a JSON round trip. */
function termToJSON(t: Term): unknown {
  switch (t.type) {
    case "null":
      return null;
    case "boolean":
      return t.value;
    case "number":
      return Number(t.value);
    case "string":
      return t.value;
    case "array":
      return t.items.map(termToJSON);
    case "set":
      throw new Error("a set cannot be passed as JSON input");
    case "object": {
      const o: Record<string, unknown> = {};
      for (const [k, v] of t.items) {
        if (k.type !== "string") throw new Error("object keys must be strings");
        o[k.value] = termToJSON(v);
      }
      return o;
    }
    default:
      throw new Error(`${t.type} is not a value`);
  }
}

/** `sort_bindings`: order the solutions, and the array values inside each binding. */
function sortBindings(bs: unknown[]): unknown[] {
  return sortValues(
    bs.map((b) => {
      if (!b || typeof b !== "object") return b;
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(b)) o[k] = Array.isArray(v) ? sortValues(v) : v;
      return o;
    }),
  );
}

function sortValues(xs: unknown[]): unknown[] {
  return [...xs].sort((a, b) => {
    const x = JSON.stringify(normalize(a)), y = JSON.stringify(normalize(b));
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Objects compare regardless of key order. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) o[k] = normalize((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}
