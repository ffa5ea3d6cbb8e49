/**
 * JSON document built-ins (OPA's topdown/json.go): json.patch (RFC 6902) and json.marshal_with_options.
 * (json.filter and json.remove are native.)
 */
import { bool, coll, isObject, obj, str, type HostFn, type Json } from "./args.js";
import { builtinError } from "./errors.js";
import { compareStrings, equalValues } from "./values.js";




class PatchError extends Error {}

function pointer(p: unknown): string[] {
  if (Array.isArray(p)) return p.map((s) => (typeof s === "string" ? s : JSON.stringify(s)));
  if (typeof p !== "string") throw new PatchError("path must be a string or an array");
  if (p === "") return [];
  if (!p.startsWith("/")) throw new PatchError(`invalid JSON pointer ${JSON.stringify(p)}`);
  return p.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function index(seg: string, len: number, allowEnd: boolean): number {
  if (allowEnd && seg === "-") return len;
  if (!/^(0|[1-9][0-9]*)$/.test(seg)) throw new PatchError(`invalid array index ${JSON.stringify(seg)}`);
  const i = Number(seg);
  if (i > len || (!allowEnd && i === len)) throw new PatchError(`array index ${i} out of range`);
  return i;
}

function get(doc: Json, path: string[]): Json {
  let cur = doc;
  for (const s of path) {
    if (isObject(cur)) {
      if (!(s in cur)) throw new PatchError(`path ${s} does not exist`);
      cur = cur[s]!;
    } else if (Array.isArray(cur)) cur = cur[index(s, cur.length, false)]!;
    else throw new PatchError(`path ${s} does not exist`);
  }
  return cur;
}

/** Returns a copy of doc with `fn` applied to the parent of path; copies only along the path. */
function update(doc: Json, path: string[], fn: (parent: Json, last: string) => Json): Json {
  if (path.length === 0) throw new PatchError("cannot update the document root this way");
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return fn(doc, head);
  if (isObject(doc)) {
    if (!(head in doc)) throw new PatchError(`path ${head} does not exist`);
    return { ...doc, [head]: update(doc[head]!, rest, fn) };
  }
  if (Array.isArray(doc)) {
    const i = index(head, doc.length, false);
    const copy = [...doc];
    copy[i] = update(doc[i]!, rest, fn);
    return copy;
  }
  throw new PatchError(`path ${head} does not exist`);
}

function add(doc: Json, path: string[], value: Json): Json {
  if (path.length === 0) return value;
  return update(doc, path, (parent, last) => {
    if (isObject(parent)) return { ...parent, [last]: value };
    if (Array.isArray(parent)) {
      const i = index(last, parent.length, true);
      return [...parent.slice(0, i), value, ...parent.slice(i)];
    }
    throw new PatchError(`path ${last} does not exist`);
  });
}

function remove(doc: Json, path: string[]): Json {
  if (path.length === 0) throw new PatchError("cannot remove the document root");
  return update(doc, path, (parent, last) => {
    if (isObject(parent)) {
      if (!(last in parent)) throw new PatchError(`path ${last} does not exist`);
      const { [last]: _gone, ...rest } = parent;
      return rest;
    }
    if (Array.isArray(parent)) {
      const i = index(last, parent.length, false);
      return [...parent.slice(0, i), ...parent.slice(i + 1)];
    }
    throw new PatchError(`path ${last} does not exist`);
  });
}

export function applyPatch(doc: Json, ops: Json[]): Json {
  let cur = doc;
  for (const op of ops) {
    if (!isObject(op)) throw new PatchError("patch operation must be an object");
    const path = pointer(op.path);
    switch (op.op) {
      case "add":
        if (!("value" in op)) throw new PatchError("add needs a value");
        cur = add(cur, path, op.value!);
        break;
      case "remove": cur = remove(cur, path); break;
      case "replace":
        if (!("value" in op)) throw new PatchError("replace needs a value");
        if (path.length === 0) { cur = op.value!; break; }
        get(cur, path);
        cur = add(remove(cur, path), path, op.value!);
        break;
      case "move": {
        const from = pointer(op.from);
        if (from.length < path.length && from.every((s, i) => s === path[i])) throw new PatchError("cannot move a value into itself");
        const v = get(cur, from);
        cur = add(remove(cur, from), path, v);
        break;
      }
      case "copy": cur = add(cur, path, get(cur, pointer(op.from))); break;
      case "test":
        if (!("value" in op)) throw new PatchError("test needs a value");
        if (!equalValues(get(cur, path), op.value)) throw new PatchError("test failed");
        break;
      default: throw new PatchError(`unknown operation ${JSON.stringify(op.op)}`);
    }
  }
  return cur;
}

/** Go's json.Marshal string escaping (HTML-safe), used by marshal_with_options. */
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

function marshalIndent(v: unknown, prefix: string, indent: string, depth: number, pretty: boolean): string {
  const nl = pretty ? "\n" + prefix + indent.repeat(depth + 1) : "";
  const end = pretty ? "\n" + prefix + indent.repeat(depth) : "";
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return "[" + v.map((x) => nl + marshalIndent(x, prefix, indent, depth + 1, pretty)).join(",") + end + "]";
  }
  if (isObject(v)) {
    const keys = Object.keys(v).sort(compareStrings);
    if (keys.length === 0) return "{}";
    const sep = pretty ? ": " : ":";
    return "{" + keys.map((k) => nl + goJsonString(k) + sep + marshalIndent(v[k], prefix, indent, depth + 1, pretty)).join(",") + end + "}";
  }
  if (typeof v === "string") return goJsonString(v);
  return JSON.stringify(v) ?? "null";
}

export const jsonBuiltins: Record<string, HostFn> = {
  "json.patch": (doc, patch) => {
    const ops = coll("json.patch", 2, patch, "array");
    try {
      return applyPatch(doc as Json, ops);
    } catch (e) {
      if (e instanceof PatchError) throw builtinError("json.patch", e.message);
      throw e;
    }
  },
  "json.marshal_with_options": (x, opts) => {
    const name = "json.marshal_with_options";
    const o = obj(name, 2, opts);
    let pretty: boolean | undefined;
    let prefix = "", indent = "\t";
    for (const [k, v] of Object.entries(o)) {
      if (k === "pretty") pretty = bool(name, 2, v);
      else if (k === "prefix") { prefix = str(name, 2, v); pretty ??= true; }
      else if (k === "indent") { indent = str(name, 2, v); pretty ??= true; }
      else throw builtinError(name, `object operand had unknown key ${k}`);
    }
    return marshalIndent(x, prefix, indent, 0, pretty ?? false);
  },
};
