/**
 * The host built-in table handed to `loadPolicy(wasm, memory, customBuiltins)`: every decl with impl "host",
 * wrapped with OPA's error rules (any built-in error, operand type errors included, makes the call undefined
 * unless strict; see OPA issue #4951) and with exact big integers encoded for the SDK (see encode.ts).
 */
import { RegentError } from "../errors.js";
import type { HostFn } from "./args.js";
import { HostContext, type HostContextOptions } from "./context.js";
import { toSdkValue } from "./encode.js";
import { builtinError } from "./errors.js";
import { parseExactJson } from "./exact-json.js";
import { cryptoBuiltins } from "./crypto.js";
import { globBuiltins } from "./glob.js";
import { graphBuiltins } from "./graph.js";
import { jsonBuiltins } from "./json.js";
import { jsonSchemaBuiltins } from "./json-schema.js";
import { jwtBuiltins } from "./jwt.js";
import { miscBuiltins } from "./misc.js";
import { netBuiltins } from "./net.js";
import { objectBuiltins } from "./objects.js";
import { regexBuiltins } from "./regex.js";
import { sprintfBuiltins } from "./sprintf.js";
import { semverBuiltins } from "./semver.js";
import { stringBuiltins } from "./strings.js";
import { timeBuiltins } from "./time.js";
import { unitsBuiltins } from "./units.js";
import { urlBuiltins } from "./urls.js";
import { uuidBuiltins } from "./uuid.js";
import { yamlBuiltins } from "./yaml.js";

export type { HostFn } from "./args.js";
export { HostContext } from "./context.js";

export interface HostBuiltinOptions extends HostContextOptions {
  /** OPA's StrictBuiltinErrors: raise every built-in error instead of making the call undefined. */
  strict?: boolean;
}

export interface HostBuiltinTable {
  /** Name → function, as `customBuiltins` for the SDK. */
  readonly functions: Record<string, HostFn>;
  /** Call before each evaluation so time.now_ns and uuid.rfc4122 are fresh (see context.ts). */
  beginEvaluation(): void;
}

/**
 * Built-ins for which the opa-wasm SDK ships its own implementation; the SDK uses its own and ignores ours
 * under these names (see `_builtinCall`). Its versions differ from OPA's (sprintf-js instead of Go's fmt, no
 * errors from yaml.*, undefined instead of false from *.is_valid on non-strings).
 */
export const SDK_SHADOWED_BUILTINS: readonly string[] = [
  "sprintf", "regex.split", "json.is_valid", "yaml.is_valid", "yaml.marshal", "yaml.unmarshal",
];

export { JSON_TEXT_BUILTINS, jsonTextAlias } from "./decls.js";
import { JSON_TEXT_BUILTINS, jsonTextAlias } from "./decls.js";

function jsonTextOperands(name: string, fn: HostFn): HostFn {
  return (...texts: unknown[]) => {
    const args = texts.map((t, i) => {
      if (typeof t !== "string") throw builtinError(name, `operand ${i + 1} must be JSON text in the regent: calling convention`);
      try {
        return parseExactJson(t);
      } catch (e) {
        throw builtinError(name, `operand ${i + 1} is not JSON text: ${(e as Error).message}`);
      }
    });
    return fn(...args);
  };
}

/** The unwrapped implementations, for tests and for callers that want bigints and raw errors. */
export function rawHostFunctions(ctx: HostContext): Record<string, HostFn> {
  return {
    ...regexBuiltins,
    ...sprintfBuiltins,
    ...timeBuiltins(ctx),
    ...jwtBuiltins(ctx),
    ...cryptoBuiltins,
    ...unitsBuiltins,
    ...semverBuiltins,
    ...uuidBuiltins(ctx),
    ...urlBuiltins,
    ...yamlBuiltins,
    ...jsonBuiltins,
    ...jsonSchemaBuiltins,
    ...objectBuiltins,
    ...netBuiltins,
    ...globBuiltins,
    ...stringBuiltins,
    ...graphBuiltins,
    ...miscBuiltins(ctx),
  };
}

function wrap(name: string, fn: HostFn, strict: boolean): HostFn {
  return (...args: unknown[]) => {
    try {
      return toSdkValue(fn(...args));
    } catch (e) {
      const err = e instanceof RegentError
        ? e
        // A failure we did not foresee on odd input is still a built-in error, never a crash.
        : builtinError(name, e instanceof Error ? e.message : String(e));
      if (strict) throw err;
      return undefined;
    }
  };
}

export function createHostBuiltins(opts: HostBuiltinOptions = {}): HostBuiltinTable {
  const ctx = new HostContext(opts);
  const functions: Record<string, HostFn> = {};
  for (const [name, fn] of Object.entries(rawHostFunctions(ctx))) {
    functions[name] = wrap(name, fn, opts.strict ?? false);
    if (JSON_TEXT_BUILTINS.includes(name)) functions[jsonTextAlias(name)] = wrap(name, jsonTextOperands(name, fn), opts.strict ?? false);
  }
  return { functions, beginEvaluation: () => ctx.beginEvaluation() };
}

/** OPA's default behaviour: a built-in error (eval_type_error or eval_builtin_error) makes the call undefined. */
export const hostBuiltins: Record<string, HostFn> = createHostBuiltins().functions;
/** Strict mode (OPA's --strict-builtin-errors): every built-in error raises, with its code. */
export const strictHostBuiltins: Record<string, HostFn> = createHostBuiltins({ strict: true }).functions;
