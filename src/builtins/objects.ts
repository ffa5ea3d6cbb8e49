/**
 * Object built-ins not in the wasm runtime: object.filter and object.union_n. (walk and
 * object.subset are natives: sets and non-string keys must reach them as they are.)
 */
import { arr, isObject, obj, typeName, type HostFn, type Json, type JsonObject } from "./args.js";
import { operandError } from "./errors.js";

function keysOf(name: string, v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((k): k is string => typeof k === "string");
  if (isObject(v)) return Object.keys(v);
  throw operandError(name, 2, "one of {object, set, array}", typeName(v));
}

/** OPA's deep merge for object.union_n: the right operand wins, objects merge recursively. */
function merge(a: Json, b: Json): Json {
  if (!isObject(a) || !isObject(b)) return b;
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k]!, v) : v;
  return out;
}

export const objectBuiltins: Record<string, HostFn> = {
  "object.filter": (o, keys) => {
    const src = obj("object.filter", 1, o);
    const out: JsonObject = {};
    for (const k of keysOf("object.filter", keys)) if (k in src) out[k] = src[k]!;
    return out;
  },
  "object.union_n": (xs) => {
    const list = arr("object.union_n", 1, xs);
    let acc: Json = {};
    for (const x of list) {
      if (!isObject(x)) throw operandError("object.union_n", 1, "array of objects", `array containing ${typeName(x)}`);
      acc = merge(acc, x);
    }
    return acc;
  },
};

