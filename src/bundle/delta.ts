/**
 * OPA's delta bundles: a `.manifest` and a `patch.json` of `{"data": [{op, path, value}]}` with
 * ops `upsert`, `remove` and `replace`, applied to a copy of the active snapshot's data. The
 * result is a new whole bundle (the snapshot's policy, the patched data, the delta's revision).
 */
import { parseBundleFiles, MANIFEST_FILE, type Bundle } from "./bundle.js";
import { DATA_FILE_NAMES } from "./data.js";
import { bundleError } from "./errors.js";
import { effectiveRoots, rootsContain, serializeManifest } from "./manifest.js";

export const PATCH_FILE = "patch.json";

export type PatchOp = { op: "upsert" | "replace"; path: string[]; value: unknown } | { op: "remove"; path: string[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const show = (path: string[]): string => "/" + path.join("/");

export function isDeltaBundle(bundle: Bundle): boolean {
  return bundle.files.has(PATCH_FILE);
}

/** `/a/b~1c` → ["a", "b/c"] (JSON Pointer escapes ~0 and ~1). The root itself cannot be patched. */
function parsePath(raw: unknown, where: string): string[] {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw === "/") throw bundleError("delta", `${where}: path must be a non-root JSON pointer like /tenants/acme, got ${JSON.stringify(raw)}`);
  return raw.slice(1).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Parses patch.json and checks the delta holds nothing but `.manifest` and `patch.json`, as OPA requires. */
export function parseDelta(bundle: Bundle): PatchOp[] {
  const others = [...bundle.files.keys()].filter((f) => f !== MANIFEST_FILE && f !== PATCH_FILE);
  if (others.length) throw bundleError("delta", `a delta bundle holds only .manifest and ${PATCH_FILE}; this one also has ${others.slice(0, 5).join(", ")}`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bundle.files.get(PATCH_FILE)!));
  } catch (err) {
    throw bundleError("delta", `${PATCH_FILE}: not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(raw) || !Array.isArray(raw.data)) throw bundleError("delta", `${PATCH_FILE}: must be {"data": [{"op", "path", "value"}, ...]}`);
  return raw.data.map((e, i): PatchOp => {
    const where = `${PATCH_FILE} data[${i}]`;
    if (!isObject(e)) throw bundleError("delta", `${where}: not an object`);
    const path = parsePath(e.path, where);
    if (e.op === "remove") return { op: "remove", path };
    if (e.op === "upsert" || e.op === "replace") {
      if (!own(e, "value")) throw bundleError("delta", `${where}: ${e.op} needs a value`);
      return { op: e.op, path, value: e.value };
    }
    throw bundleError("delta", `${where}: op must be upsert, remove or replace, got ${JSON.stringify(e.op)}`);
  });
}

function set(parent: unknown, key: string, value: unknown, insert: boolean, path: string[]): void {
  if (Array.isArray(parent)) {
    const i = key === "-" ? parent.length : /^(0|[1-9]\d*)$/.test(key) ? Number(key) : NaN;
    if (Number.isNaN(i) || i > parent.length || (!insert && i >= parent.length)) throw bundleError("delta", `${show(path)}: no array element ${key}`);
    if (insert && (key === "-" || i === parent.length)) parent.push(value);
    else parent[i] = value;
    return;
  }
  if (!isObject(parent)) throw bundleError("delta", `${show(path)}: the parent is not an object or array`);
  Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies the ops in order to `data` (mutated; pass a copy). upsert creates missing objects on the way. */
export function applyPatch(data: Record<string, unknown>, ops: PatchOp[]): void {
  for (const op of ops) {
    let node: unknown = data;
    for (let i = 0; i < op.path.length - 1; i++) {
      const key = op.path[i];
      if (Array.isArray(node)) {
        const next = /^(0|[1-9]\d*)$/.test(key) ? node[Number(key)] : undefined;
        if (next === undefined) throw bundleError("delta", `${show(op.path)}: ${show(op.path.slice(0, i + 1))} does not exist`);
        node = next;
        continue;
      }
      if (!isObject(node)) throw bundleError("delta", `${show(op.path)}: ${show(op.path.slice(0, i))} is not an object`);
      if (!own(node, key)) {
        if (op.op !== "upsert") throw bundleError("delta", `${op.op} ${show(op.path)}: ${show(op.path.slice(0, i + 1))} does not exist`);
        set(node, key, {}, true, op.path);
      }
      node = node[key];
    }
    const last = op.path[op.path.length - 1];
    const exists = Array.isArray(node) ? /^(0|[1-9]\d*)$/.test(last) && Number(last) < node.length : isObject(node) && own(node, last);
    if (op.op === "remove") {
      if (!exists) throw bundleError("delta", `remove ${show(op.path)}: it does not exist`);
      if (Array.isArray(node)) node.splice(Number(last), 1);
      else delete (node as Record<string, unknown>)[last];
    } else if (op.op === "replace") {
      if (!exists) throw bundleError("delta", `replace ${show(op.path)}: it does not exist`);
      set(node, last, structuredClone(op.value), false, op.path);
    } else {
      set(node, last, structuredClone(op.value), true, op.path);
    }
  }
}

/**
 * The bundle that results from applying `delta` to the active snapshot `base`: the same policy
 * files, one `data.json` with the patched data, and the delta's revision. Paths must lie under the
 * snapshot's roots, and a delta that names roots must name the snapshot's.
 */
export function applyDelta(base: Bundle, delta: Bundle): Bundle {
  if (isDeltaBundle(base)) throw bundleError("delta", "the active bundle is itself a delta; a delta applies to a snapshot bundle");
  const ops = parseDelta(delta);
  const roots = effectiveRoots(base.manifest);
  if (delta.manifest.roots !== undefined) {
    const mine = [...effectiveRoots(delta.manifest)].sort().join(",");
    if (mine !== [...roots].sort().join(",")) throw bundleError("delta", `the delta's roots [${effectiveRoots(delta.manifest).join(", ")}] differ from the active bundle's [${roots.join(", ")}]`);
  }
  for (const op of ops) {
    if (!rootsContain(roots, op.path.join("/"))) throw bundleError("delta", `${op.op} ${show(op.path)}: outside the active bundle's roots [${roots.join(", ")}]`);
  }
  const data = structuredClone(base.data);
  applyPatch(data, ops);
  const files = new Map<string, Uint8Array>();
  for (const [name, bytes] of base.files) {
    const baseName = name.slice(name.lastIndexOf("/") + 1);
    if (name !== MANIFEST_FILE && !DATA_FILE_NAMES.has(baseName)) files.set(name, bytes);
  }
  files.set(MANIFEST_FILE, serializeManifest({ ...base.manifest, revision: delta.manifest.revision ?? base.manifest.revision }));
  files.set("data.json", new TextEncoder().encode(JSON.stringify(data)));
  return parseBundleFiles(files);
}
