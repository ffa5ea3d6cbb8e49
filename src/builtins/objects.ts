/**
 * Object built-ins not in the wasm runtime: object.union_n. (object.filter, object.subset and walk
 * are natives: sets and non-string keys must reach them as they are.)
 */
import { arr, isObject, typeName, type HostFn, type Json, type JsonObject } from "./args.js";
import { operandError } from "./errors.js";


/** OPA's deep merge for object.union_n: the right operand wins, objects merge recursively. */
function merge(a: Json, b: Json): Json {
  if (!isObject(a) || !isObject(b)) return b;
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k]!, v) : v;
  return out;
}

export const objectBuiltins: Record<string, HostFn> = {
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

