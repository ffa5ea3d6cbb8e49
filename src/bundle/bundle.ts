/**
 * The in-memory bundle and its validation: from a map of files (as read from a tar or a
 * folder) to a checked `Bundle` with its manifest, signatures, wasm modules, merged data and
 * Rego sources. Pure: no I/O here.
 */
import { bundleError } from "./errors.js";
import { checkDataRoots, DATA_FILE_NAMES, dataPathOf, insertData, parseDataFile, type DataObject } from "./data.js";
import { checkRootsDisjoint, effectiveRoots, parseManifest, rootsContain, type Manifest } from "./manifest.js";
import { packagePathOf } from "./package-path.js";

export const MANIFEST_FILE = ".manifest";
export const SIGNATURES_FILE = ".signatures.json";
export const WASM_FILE = "policy.wasm";

export interface BundleWasm {
  entrypoint: string;
  /** The module's path in the bundle, without a leading "/". */
  module: string;
  bytes: Uint8Array;
}

export interface Bundle {
  manifest: Manifest;
  /** Every file by path (no leading "/"), `.manifest` included, `.signatures.json` excluded. */
  files: Map<string, Uint8Array>;
  signatures: { signatures: string[] } | null;
  /** One entry per manifest `wasm` resolver. */
  wasm: BundleWasm[];
  /** All data files merged at their paths. */
  data: Record<string, unknown>;
  modules: { path: string; source: string }[];
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Checks the magic, the version and then the whole module with the engine's own validator. */
export function checkWasm(path: string, bytes: Uint8Array): void {
  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw bundleError("format", `${path}: not a WebAssembly module (bad magic bytes)`);
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw bundleError("format", `${path}: unsupported WebAssembly binary version ${bytes[4]}`);
  }
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) {
    throw bundleError("format", `${path}: not a valid WebAssembly module (validation failed)`);
  }
}

function parseSignatures(bytes: Uint8Array): { signatures: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw bundleError("format", `${SIGNATURES_FILE}: not valid JSON (${(err as Error).message})`);
  }
  const sigs = (raw as { signatures?: unknown } | null)?.signatures;
  if (typeof raw !== "object" || raw === null || !Array.isArray(sigs) || !sigs.every((s) => typeof s === "string")) {
    throw bundleError("format", `${SIGNATURES_FILE}: must be an object {"signatures": [<JWS>, ...]}`);
  }
  return { signatures: sigs as string[] };
}

const baseName = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

/**
 * Validates a bundle's files and derives everything else from them. `allFiles` may contain
 * `.signatures.json`; it is split off into `signatures`.
 */
export function parseBundleFiles(allFiles: Map<string, Uint8Array>): Bundle {
  const files = new Map(allFiles);
  const sigBytes = files.get(SIGNATURES_FILE);
  files.delete(SIGNATURES_FILE);
  const signatures = sigBytes ? parseSignatures(sigBytes) : null;

  const manifestBytes = files.get(MANIFEST_FILE);
  const manifest = manifestBytes ? parseManifest(manifestBytes) : {};
  const roots = effectiveRoots(manifest);
  checkRootsDisjoint(roots);

  const data: DataObject = {};
  const modules: { path: string; source: string }[] = [];
  for (const path of [...files.keys()].sort()) {
    const bytes = files.get(path)!;
    const base = baseName(path);
    if (DATA_FILE_NAMES.has(base)) {
      insertData(data, dataPathOf(path), parseDataFile(path, bytes), path);
    } else if (path.endsWith(".rego")) {
      let source: string;
      try {
        source = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        throw bundleError("format", `${path}: not valid UTF-8`);
      }
      const pkg = packagePathOf(source);
      if (!pkg) throw bundleError("format", `${path}: no package declaration found`);
      if (!rootsContain(roots, pkg.join("/"))) {
        throw bundleError("roots", `${path}: package ${pkg.join(".")} is outside the manifest roots [${roots.map((r) => JSON.stringify(r)).join(", ")}]`);
      }
      modules.push({ path, source });
    } else if (base === WASM_FILE) {
      checkWasm(path, bytes);
    }
  }
  checkDataRoots(data, roots);

  const wasm: BundleWasm[] = [];
  const seen = new Set<string>();
  for (const w of manifest.wasm ?? []) {
    const module = w.module.replace(/^\/+/, "");
    const bytes = files.get(module);
    if (!bytes) throw bundleError("format", `.manifest: wasm module ${w.module} for entrypoint ${w.entrypoint} is not in the bundle`);
    checkWasm(module, bytes);
    const ep = w.entrypoint.replace(/^\/+|\/+$/g, "");
    if (!rootsContain(roots, ep)) throw bundleError("roots", `.manifest: entrypoint ${w.entrypoint} is outside the manifest roots`);
    if (seen.has(ep)) throw bundleError("format", `.manifest: entrypoint ${w.entrypoint} is listed more than once`);
    seen.add(ep);
    wasm.push({ entrypoint: w.entrypoint, module, bytes });
  }
  return { manifest, files, signatures, wasm, data, modules };
}
