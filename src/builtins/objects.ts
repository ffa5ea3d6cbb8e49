/**
 * Object and collection built-ins not in the wasm runtime: object.filter, object.subset, object.union_n,
 * and walk. walk is a relation: here it returns every [path, value] pair (pre-order, as OPA yields them)
 * in one array, and the planner scans that array.
 */
import { arr, isObject, obj, typeName, type HostFn, type Json, type JsonObject } from "./args.js";
import { operandError } from "./errors.js";
import { equalValues } from "./values.js";

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

/**
 * object.subset: objects recursively by key, arrays as a contiguous slice. Sets reach the host as arrays,
 * so a set operand is treated as an array (see the report on set-valued operands).
 */
export function isSubset(sup: Json, sub: Json): boolean {
  if (isObject(sup) && isObject(sub)) {
    return Object.entries(sub).every(([k, v]) => {
      if (!(k in sup)) return false;
      const s = sup[k]!;
      if (isObject(s) && isObject(v)) return isSubset(s, v);
      return equalValues(s, v) || (Array.isArray(s) && Array.isArray(v) && isSubset(s, v));
    });
  }
  if (Array.isArray(sup) && Array.isArray(sub)) {
    if (sub.length === 0) return true;
    for (let i = 0; i + sub.length <= sup.length; i++) {
      if (sub.every((x, j) => equalValues(sup[i + j], x))) return true;
    }
    return false;
  }
  return false;
}

function walk(v: Json, path: Json[], out: Json[]): void {
  out.push([[...path], v]);
  if (isObject(v)) for (const k of Object.keys(v).sort()) walk(v[k]!, [...path, k], out);
  else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], out));
}

export const objectBuiltins: Record<string, HostFn> = {
  "object.filter": (o, keys) => {
    const src = obj("object.filter", 1, o);
    const out: JsonObject = {};
    for (const k of keysOf("object.filter", keys)) if (k in src) out[k] = src[k]!;
    return out;
  },
  "object.subset": (sup, sub) => {
    const a = sup as Json, b = sub as Json;
    if (!(isObject(a) || Array.isArray(a))) throw operandError("object.subset", 1, "one of {object, set, array}", typeName(a));
    if (!(isObject(b) || Array.isArray(b))) throw operandError("object.subset", 2, "one of {object, set, array}", typeName(b));
    if (isObject(a) !== isObject(b)) throw operandError("object.subset", 2, isObject(a) ? "object" : "one of {set, array}", typeName(b));
    return isSubset(a, b);
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
  walk: (x) => {
    const out: Json[] = [];
    walk(x as Json, [], out);
    return out;
  },
};

