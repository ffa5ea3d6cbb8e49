/**
 * Small built-ins without a family of their own: array.flatten, numbers.range_step, the deprecated
 * any/all/set_diff/cast_* kept for v0 policies, and internal.print (print's target; writes to the
 * context's sink, a no-op when none is given).
 */
import { arr, coll, isObject, typeName, type HostFn, type Json } from "./args.js";
import type { HostContext } from "./context.js";
import { builtinError, operandError } from "./errors.js";
import { equalValues, regoString, toSet } from "./values.js";

function rangeStep(a: unknown, b: unknown, step: unknown): number[] {
  const name = "numbers.range_step";
  for (const [i, v] of [a, b, step].entries()) {
    if (typeof v !== "number") throw operandError(name, i + 1, "number", typeName(v));
    if (!Number.isInteger(v)) throw operandError(name, i + 1, "integer number", "floating-point number");
  }
  const [x, y, s] = [a as number, b as number, step as number];
  if (s <= 0) throw builtinError(name, "step must be a positive integer");
  const out: number[] = [];
  if (x <= y) for (let v = x; v <= y; v += s) out.push(v);
  else for (let v = x; v >= y; v -= s) out.push(v);
  return out;
}

function cast(name: string, expected: string, ok: (v: unknown) => boolean, convert: (v: Json[]) => unknown = (v) => v): HostFn {
  return (v) => {
    if (!ok(v)) throw operandError(name, 1, expected, typeName(v));
    return convert(v as Json[]);
  };
}

/** OPA's print formatting: strings bare, other values in Rego syntax, an undefined operand as <undefined>. */
export function formatPrintArgs(operands: Json[]): string {
  return operands.map((o) => {
    const values = Array.isArray(o) ? o : [o];
    if (values.length === 0) return "<undefined>";
    return values.map((v) => (typeof v === "string" ? v : regoString(v))).join(" ");
  }).join(" ");
}

export function miscBuiltins(ctx: HostContext): Record<string, HostFn> {
  return {
    "array.flatten": (x) => arr("array.flatten", 1, x).flatMap((v) => (Array.isArray(v) ? v : [v])),
    "numbers.range_step": rangeStep,
    any: (x) => coll("any", 1, x).some((v) => v === true),
    all: (x) => coll("all", 1, x).every((v) => v === true),
    set_diff: (a, b) => {
      const x = coll("set_diff", 1, a, "set"), y = coll("set_diff", 2, b, "set");
      return toSet(x.filter((v) => !y.some((w) => equalValues(v, w))));
    },
    cast_array: cast("cast_array", "one of {array, set}", Array.isArray),
    cast_set: cast("cast_set", "one of {array, set}", Array.isArray, toSet),
    cast_string: cast("cast_string", "string", (v) => typeof v === "string"),
    cast_boolean: cast("cast_boolean", "boolean", (v) => typeof v === "boolean"),
    cast_null: cast("cast_null", "null", (v) => v === null),
    cast_object: cast("cast_object", "object", isObject),
    "internal.print": (x) => {
      ctx.print?.(formatPrintArgs(arr("internal.print", 1, x)));
      return true;
    },
  };
}
