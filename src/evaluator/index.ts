/**
 * Loads a compiled policy module with `@open-policy-agent/opa-wasm` and evaluates it, turning
 * every failure (aborts, host built-in errors, traps, bad input) into a RegentError. Thin on
 * purpose: `evaluate` sits on the decision hot path.
 */
import { loadPolicy as sdkLoadPolicy } from "@open-policy-agent/opa-wasm";
import { RegentError, type ErrorLocation } from "../errors.js";
import { hostBuiltins, strictHostBuiltins } from "../builtins/index.js";
import { EVAL_ERRORS, toRegentError } from "./errors.js";

export { EVAL_ERRORS, toRegentError } from "./errors.js";

// A host built-in checks its own operands, so its parameters may be of any type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HostBuiltin = (...args: any[]) => unknown;

export interface LoadOptions {
  /** Host built-ins by Rego name; default: regent's host built-ins (src/builtins). */
  builtins?: Record<string, HostBuiltin>;
  /** Initial memory in 64 KiB pages (default 5, the SDK's). */
  memoryPages?: number;
  /**
   * OPA's strict built-in errors for the natives in the module: failures such as invalid base64
   * raise eval_builtin_error instead of making the call undefined. Default: on when `builtins`
   * is src/builtins' `strictHostBuiltins` (the host built-ins' strict mode), else off.
   */
  strictBuiltinErrors?: boolean;
}

/** One result of the result set: `{ result: value }`. */
export interface EvalResult {
  result: unknown;
}

export interface LoadedPolicy {
  /** Entrypoint names to ids, as the module lists them. */
  readonly entrypoints: Record<string, number>;
  /**
   * Evaluates an entrypoint (name or id; default 0) and returns the result set (`[]` when
   * undefined). `undefined` input means no input. Throws RegentError only.
   */
  evaluate(input: unknown, entrypoint?: string | number): EvalResult[];
  /** Replaces the data document. Throws RegentError only. */
  setData(data: unknown): void;
}

interface SdkPolicy {
  entrypoints: Record<string, number>;
  wasmInstance: WebAssembly.Instance;
  mem: WebAssembly.Memory;
  minorVersion: number;
  evaluate(input: unknown, entrypoint?: string | number): EvalResult[];
  setData(data: unknown): void;
}

export async function loadPolicy(wasm: Uint8Array, options: LoadOptions = {}): Promise<LoadedPolicy> {
  let sdk: SdkPolicy;
  try {
    sdk = (await sdkLoadPolicy(wasm, options.memoryPages ?? 5, options.builtins ?? hostBuiltins)) as unknown as SdkPolicy;
  } catch (e) {
    throw toRegentError(e, EVAL_ERRORS.load);
  }
  const strict = options.strictBuiltinErrors ?? options.builtins === strictHostBuiltins;
  const flag = (sdk.wasmInstance.exports as Record<string, unknown>).regent_strict_builtin_errors;
  if (strict && flag instanceof WebAssembly.Global) flag.value = 1;
  return new Policy(sdk);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `file:row:col` from the module's `regent_loc` global (the last built-in call), if any. */
function builtinLocation(sdk: SdkPolicy): ErrorLocation | undefined {
  const g = (sdk.wasmInstance.exports as Record<string, unknown>).regent_loc;
  if (!(g instanceof WebAssembly.Global)) return undefined;
  const addr = Number(g.value);
  const mem = new Uint8Array(sdk.mem.buffer);
  if (addr <= 0 || addr >= mem.length) return undefined;
  let end = addr;
  while (end < mem.length && mem[end] !== 0 && end - addr < 4096) end++;
  const m = /^(.+):(\d+):(\d+)$/.exec(decoder.decode(mem.subarray(addr, end)));
  return m ? { file: m[1], row: Number(m[2]), col: Number(m[3]) } : undefined;
}
const FALSY_INPUTS = new Map<unknown, ArrayBuffer>(
  [null, false, 0, ""].map((v) => [v, encoder.encode(JSON.stringify(v)).buffer as ArrayBuffer]),
);

class Policy implements LoadedPolicy {
  constructor(private readonly sdk: SdkPolicy) {}

  get entrypoints(): Record<string, number> {
    return this.sdk.entrypoints;
  }

  evaluate(input: unknown, entrypoint: string | number = 0): EvalResult[] {
    if (typeof entrypoint === "string" && !Object.prototype.hasOwnProperty.call(this.sdk.entrypoints, entrypoint)) {
      throw new RegentError(EVAL_ERRORS.entrypoint, `unknown entrypoint ${entrypoint}; the module has ${Object.keys(this.sdk.entrypoints).join(", ") || "none"}`);
    }
    // The SDK's fast path treats falsy inputs (null, false, 0, "") as "no input"; as JSON text
    // (an ArrayBuffer, which the SDK passes through) they arrive as the values they are.
    const arg = input !== undefined && !input ? FALSY_INPUTS.get(input) ?? input : input;
    try {
      return this.sdk.evaluate(arg, entrypoint);
    } catch (e) {
      if (e instanceof TypeError) throw new RegentError(EVAL_ERRORS.input, `input is not a JSON document: ${e.message}`);
      const err = toRegentError(e);
      return this.locate(err);
    }
  }

  /** Host built-ins do not know where they were called from; the module recorded it. */
  private locate(err: RegentError): never {
    if (err.location || !err.code.startsWith("eval_")) throw err;
    const loc = builtinLocation(this.sdk);
    throw loc ? new RegentError(err.code, err.message, loc, err.details) : err;
  }

  setData(data: unknown): void {
    try {
      this.sdk.setData(data);
    } catch (e) {
      throw toRegentError(e, EVAL_ERRORS.data);
    }
  }
}
