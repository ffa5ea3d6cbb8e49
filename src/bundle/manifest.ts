/**
 * The bundle `.manifest`: parsing with type checks, OPA's root rules (roots are slash paths
 * under `data`, may not overlap, and everything in the bundle must sit under one) and the
 * stable serialisation used by `buildBundle`.
 */
import { bundleError } from "./errors.js";

export interface WasmResolver {
  /** `pkg/rule`, e.g. `envoy/authz/allow`. */
  entrypoint: string;
  /** The module path inside the bundle, e.g. `/policy.wasm`. */
  module: string;
}

export interface Manifest {
  revision?: string;
  roots?: string[];
  wasm?: WasmResolver[];
  rego_version?: number;
  file_rego_versions?: Record<string, number>;
  metadata?: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses and type-checks a manifest; unknown fields are dropped as OPA drops them. */
export function parseManifest(bytes: Uint8Array): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw bundleError("format", `.manifest: not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(raw)) throw bundleError("format", ".manifest: must be a JSON object");
  const bad = (field: string, want: string): never => {
    throw bundleError("format", `.manifest: "${field}" must be ${want}`);
  };
  const m: Manifest = {};
  if (raw.revision !== undefined) {
    if (typeof raw.revision !== "string") bad("revision", "a string");
    m.revision = raw.revision as string;
  }
  if (raw.roots !== undefined && raw.roots !== null) {
    if (!Array.isArray(raw.roots) || !raw.roots.every((r) => typeof r === "string")) bad("roots", "an array of strings");
    m.roots = raw.roots as string[];
  }
  if (raw.wasm !== undefined && raw.wasm !== null) {
    if (!Array.isArray(raw.wasm)) bad("wasm", "an array of {entrypoint, module}");
    m.wasm = (raw.wasm as unknown[]).map((w, i) => {
      if (!isObject(w) || typeof w.entrypoint !== "string" || typeof w.module !== "string") {
        return bad(`wasm[${i}]`, "an object with string fields entrypoint and module");
      }
      return { entrypoint: w.entrypoint, module: w.module };
    });
  }
  if (raw.rego_version !== undefined && raw.rego_version !== null) {
    if (raw.rego_version !== 0 && raw.rego_version !== 1) bad("rego_version", "0 or 1");
    m.rego_version = raw.rego_version as number;
  }
  if (raw.file_rego_versions !== undefined && raw.file_rego_versions !== null) {
    if (!isObject(raw.file_rego_versions)) bad("file_rego_versions", "an object");
    m.file_rego_versions = raw.file_rego_versions as Record<string, number>;
  }
  if (raw.metadata !== undefined && raw.metadata !== null) {
    if (!isObject(raw.metadata)) bad("metadata", "an object");
    m.metadata = raw.metadata as Record<string, unknown>;
  }
  return m;
}

/** Serialises a manifest in the field order OPA writes, always with a revision (OPA has no omitempty on it). */
export function serializeManifest(m: Manifest): Uint8Array {
  const out: Record<string, unknown> = { revision: m.revision ?? "" };
  if (m.roots) out.roots = m.roots;
  if (m.wasm && m.wasm.length > 0) out.wasm = m.wasm.map((w) => ({ entrypoint: w.entrypoint, module: w.module }));
  if (m.rego_version !== undefined) out.rego_version = m.rego_version;
  if (m.file_rego_versions) out.file_rego_versions = m.file_rego_versions;
  if (m.metadata) out.metadata = sortKeysDeep(m.metadata);
  return new TextEncoder().encode(JSON.stringify(out) + "\n");
}

function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeysDeep(v[k])]));
}

/** The manifest's roots without leading or trailing slashes; no roots means the whole of `data` (`[""]`). */
export function effectiveRoots(m: Manifest): string[] {
  return (m.roots ?? [""]).map((r) => r.replace(/^\/+|\/+$/g, ""));
}

/** True when `path` (slash separated, no leading slash) is at or below one of the roots. */
export function rootsContain(roots: string[], path: string): boolean {
  return roots.some((r) => r === "" || path === r || path.startsWith(r + "/"));
}

export function rootsOverlap(a: string, b: string): boolean {
  return a === "" || b === "" || a === b || a.startsWith(b + "/") || b.startsWith(a + "/");
}

/** Throws when two roots overlap, as OPA refuses such a manifest. */
export function checkRootsDisjoint(roots: string[]): void {
  for (let i = 0; i < roots.length; i++) {
    for (let j = i + 1; j < roots.length; j++) {
      if (rootsOverlap(roots[i], roots[j])) {
        throw bundleError("roots", `.manifest: roots "${roots[i]}" and "${roots[j]}" overlap`);
      }
    }
  }
}
