/**
 * Bundle data: merges each data.json / data.yaml into one document at the path of its folder
 * (`a/b/data.json` becomes `data.a.b`), refusing conflicts, and checks that every piece of
 * data lies under the manifest roots, with OPA's rules.
 */
import { parse as parseYaml } from "yaml";
import { bundleError } from "./errors.js";
import { rootsContain } from "./manifest.js";

export type DataObject = Record<string, unknown>;

export const DATA_FILE_NAMES = new Set(["data.json", "data.yaml", "data.yml"]);

const isObject = (v: unknown): v is DataObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Assigns without ever touching a prototype, even for a key named "__proto__". */
function put(obj: DataObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

const own = (obj: DataObject, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/** Parses one data file; the error names the file. */
export function parseDataFile(path: string, bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw bundleError("format", `${path}: not valid UTF-8`);
  }
  if (path.endsWith(".json")) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw bundleError("format", `${path}: not valid JSON (${(err as Error).message})`);
    }
  }
  try {
    return parseYaml(text, { version: "1.1", maxAliasCount: 1000, uniqueKeys: true }) ?? null;
  } catch (err) {
    throw bundleError("format", `${path}: not valid YAML (${(err as Error).message})`);
  }
}

/** The data path of a data file: `a/b/data.json` → `["a", "b"]`. */
export function dataPathOf(filePath: string): string[] {
  const parts = filePath.split("/");
  parts.pop();
  return parts;
}

function mergeInto(target: DataObject, source: DataObject, where: string[], file: string): void {
  for (const key of Object.keys(source)) {
    const here = [...where, key];
    const incoming = source[key];
    if (!own(target, key)) {
      put(target, key, incoming);
    } else if (isObject(target[key]) && isObject(incoming)) {
      mergeInto(target[key] as DataObject, incoming, here, file);
    } else {
      throw bundleError("format", `${file}: data.${here.join(".")} is already defined by another data file`);
    }
  }
}

/** Inserts `value` at `path` in `data`, creating objects on the way. */
export function insertData(data: DataObject, path: string[], value: unknown, file: string): void {
  if (path.length === 0) {
    if (!isObject(value)) throw bundleError("format", `${file}: data at the bundle root must be a JSON object`);
    mergeInto(data, value, [], file);
    return;
  }
  let node = data;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (!own(node, key)) put(node, key, {});
    const next = node[key];
    if (!isObject(next)) {
      throw bundleError("format", `${file}: cannot place data at data.${path.join(".")}: data.${path.slice(0, i + 1).join(".")} is not an object`);
    }
    node = next;
  }
  const last = path[path.length - 1];
  if (!own(node, last)) put(node, last, value);
  else if (isObject(node[last]) && isObject(value)) mergeInto(node[last] as DataObject, value, path, file);
  else throw bundleError("format", `${file}: data.${path.join(".")} is already defined by another data file`);
}

/** OPA's check: every leaf of `data` must be under a root; an object above a root is walked into. */
export function checkDataRoots(data: DataObject, roots: string[]): void {
  const walk = (node: unknown, path: string[]): void => {
    const p = path.join("/");
    if (rootsContain(roots, p)) return;
    if (isObject(node) && roots.some((r) => p === "" || r.startsWith(p + "/"))) {
      for (const k of Object.keys(node)) walk(node[k], [...path, k]);
      return;
    }
    throw bundleError("roots", `data at /${p} is outside the manifest roots [${roots.map((r) => JSON.stringify(r)).join(", ")}]`);
  };
  walk(data, []);
}
