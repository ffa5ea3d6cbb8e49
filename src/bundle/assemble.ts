/**
 * The pure half of `regent build`: compiled policy + data + settings in, a validated bundle
 * and its reproducible .tar.gz out. Roots are checked here (packages, data, entrypoints).
 */
import { createHash } from "node:crypto";
import { parseBundleFiles, MANIFEST_FILE, WASM_FILE, type Bundle } from "./bundle.js";
import { checkDataRoots, dataPathOf, insertData, parseDataFile, type DataObject } from "./data.js";
import { bundleError } from "./errors.js";
import { checkRootsDisjoint, rootsContain, serializeManifest, type Manifest } from "./manifest.js";
import { packagePathOf } from "./package-path.js";
import { writeBundle } from "./write.js";

export interface BuildSources {
  /** Rego modules, `path` being where the source goes in the bundle. */
  modules: { path: string; source: string }[];
  /** Data files; `path` places them (`a/b/data.json` → `data.a.b`). */
  data: { path: string; bytes: Uint8Array; origin?: string }[];
  /** `pkg/rule` entrypoints; METADATA `entrypoint: true` rules are added by the compiler. */
  entrypoints: string[];
  roots?: string[];
  revision?: string;
  metadata?: Record<string, unknown>;
}

export interface BuildSummary {
  revision: string;
  roots: string[];
  entrypoints: string[];
  /** Host built-ins the module needs at run time. */
  builtins: string[];
  files: { path: string; size: number }[];
  wasmBytes: number;
  bundleBytes: number;
  /** SHA-256 of the .tar.gz, handy for comparing builds. */
  sha256: string;
}

export interface BuildResult {
  bytes: Uint8Array;
  bundle: Bundle;
  summary: BuildSummary;
}

const rootsText = (roots: string[]): string => `[${roots.map((r) => JSON.stringify(r)).join(", ")}]`;

/** Stable JSON: keys sorted at every level, so equal data always gives equal bytes. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

function checkRoots(sources: BuildSources, roots: string[], entrypoints: string[], data: DataObject): void {
  checkRootsDisjoint(roots);
  for (const m of sources.modules) {
    const pkg = packagePathOf(m.source);
    if (pkg && !rootsContain(roots, pkg.join("/"))) {
      throw bundleError("roots", `${m.path}: package ${pkg.join(".")} is outside the bundle roots ${rootsText(roots)}`);
    }
  }
  for (const ep of entrypoints) {
    if (!rootsContain(roots, ep)) throw bundleError("roots", `entrypoint ${ep} is outside the bundle roots ${rootsText(roots)}`);
  }
  checkDataRoots(data, roots);
}

/** Compiles, checks roots, and writes the bundle: .manifest, policy.wasm, data.json and the Rego sources. */
export async function assembleBundle(sources: BuildSources): Promise<BuildResult> {
  if (sources.modules.length === 0) throw bundleError("build", "no Rego files to build (give policy paths or a bundle folder with policies)");
  const data: DataObject = {};
  for (const d of sources.data) insertData(data, dataPathOf(d.path), parseDataFile(d.origin ?? d.path, d.bytes), d.origin ?? d.path);

  // Loaded on demand so that readers of bundles (the sidecar) never load the compiler.
  const { compile } = await import("../compiler/index.js");
  const compiled = await compile({ modules: sources.modules, entrypoints: sources.entrypoints, requireEntrypointRules: true });
  const entrypoints = Object.keys(compiled.entrypoints).sort();
  const roots = (sources.roots ?? [""]).map((r) => r.replace(/^\/+|\/+$/g, ""));
  checkRoots(sources, roots, entrypoints, data);

  const manifest: Manifest = {
    revision: sources.revision ?? "",
    roots,
    wasm: entrypoints.map((entrypoint) => ({ entrypoint, module: `/${WASM_FILE}` })),
    rego_version: 1,
    ...(sources.metadata ? { metadata: sources.metadata } : {}),
  };
  const files = new Map<string, Uint8Array>();
  files.set(MANIFEST_FILE, serializeManifest(manifest));
  files.set(WASM_FILE, compiled.wasm);
  if (Object.keys(data).length > 0) files.set("data.json", new TextEncoder().encode(stableJson(data) + "\n"));
  for (const m of sources.modules) {
    if (files.has(m.path)) throw bundleError("build", `two inputs would both be written to ${m.path}`);
    files.set(m.path, new TextEncoder().encode(m.source));
  }
  // Re-read what we are about to ship with the same checks a consumer applies.
  const bundle = parseBundleFiles(files);
  const bytes = await writeBundle(bundle);
  return {
    bytes,
    bundle,
    summary: {
      revision: manifest.revision ?? "",
      roots,
      entrypoints,
      builtins: compiled.builtins,
      files: [...files.entries()].map(([path, b]) => ({ path, size: b.length })).sort((a, b) => (a.path < b.path ? -1 : 1)),
      wasmBytes: compiled.wasm.length,
      bundleBytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    },
  };
}
