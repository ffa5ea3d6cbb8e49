/**
 * `buildBundle`: the I/O half of `regent build`. Loads policies and data from plain paths
 * (as `opa build` does) and/or a bundle definition folder (`bundles/<name>/bundle.yaml` plus
 * data files), works out the revision, and hands everything to `assembleBundle`.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { assembleBundle, type BuildResult, type BuildSources } from "./assemble.js";
import { DATA_FILE_NAMES } from "./data.js";
import { bundleError } from "./errors.js";

const execFileAsync = promisify(execFile);

export interface BuildOptions {
  /** Policy paths (files or folders); folders also contribute data files at their relative paths. */
  paths?: string[];
  /** A bundle definition folder holding `bundle.yaml`. */
  bundle?: string;
  /** Entrypoints (`pkg/rule`), added to those of bundle.yaml and METADATA annotations. */
  entrypoints?: string[];
  /** Data files or folders (`-d`); a file is placed at the data root, a folder's files at their relative paths. */
  data?: string[];
  /** Overrides bundle.yaml and git. */
  revision?: string;
  /** Ask git for a revision when none is given (default true). */
  git?: boolean;
  /** Include `*_test.rego` files (default false: tests do not ship). */
  includeTests?: boolean;
  /** Base for relative paths and git (default: process.cwd()). */
  cwd?: string;
}

/** The settings of a bundle definition folder. */
export interface BundleDefinition {
  roots?: string[];
  entrypoints?: string[];
  revision?: string;
  metadata?: Record<string, unknown>;
  /** Policy paths relative to the folder. */
  policies?: string[];
}

export const BUNDLE_DEFINITION_FILE = "bundle.yaml";
const DEFINITION_KEYS = new Set(["roots", "entrypoints", "revision", "metadata", "policies"]);

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** Parses and checks bundle.yaml; unknown keys are errors so that typos do not pass silently. */
export function parseBundleDefinition(text: string, file: string): BundleDefinition {
  let raw: unknown;
  try {
    raw = parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    throw bundleError("build", `${file}: not valid YAML (${(err as Error).message})`);
  }
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw bundleError("build", `${file}: must be a mapping (roots, entrypoints, revision, metadata, policies)`);
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (!DEFINITION_KEYS.has(k)) throw bundleError("build", `${file}: unknown key "${k}" (known: ${[...DEFINITION_KEYS].join(", ")})`);
  }
  const def: BundleDefinition = {};
  for (const k of ["roots", "entrypoints", "policies"] as const) {
    if (r[k] === undefined || r[k] === null) continue;
    if (!isStringArray(r[k])) throw bundleError("build", `${file}: "${k}" must be a list of strings`);
    def[k] = r[k] as string[];
  }
  if (r.revision !== undefined && r.revision !== null) {
    if (typeof r.revision !== "string" && typeof r.revision !== "number") throw bundleError("build", `${file}: "revision" must be a string`);
    def.revision = String(r.revision);
  }
  if (r.metadata !== undefined && r.metadata !== null) {
    if (typeof r.metadata !== "object" || Array.isArray(r.metadata)) throw bundleError("build", `${file}: "metadata" must be a mapping`);
    def.metadata = r.metadata as Record<string, unknown>;
  }
  return def;
}

export interface Collected {
  modules: { path: string; source: string }[];
  data: { path: string; bytes: Uint8Array; origin: string }[];
}

async function statOrFail(path: string, what: string) {
  try {
    return await stat(path);
  } catch (err) {
    throw bundleError("io", `${what} ${path}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : (err as Error).message}`);
  }
}

/** Walks a folder in sorted order for .rego and data files, skipping hidden folders and node_modules. */
async function walk(dir: string, rel: string, out: { abs: string; rel: string }[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const abs = join(dir, e.name);
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(abs, r, out);
    else if (e.isFile()) out.push({ abs, rel: r });
  }
}

/** Where a policy file goes in the bundle: its path relative to cwd (as `opa build` writes it), or to its input root when outside cwd. */
function bundlePathFor(abs: string, rootArg: string, relInRoot: string, cwd: string): string {
  const fromCwd = relative(cwd, abs).split("\\").join("/");
  if (!fromCwd.startsWith("..") && !isAbsolute(fromCwd)) return fromCwd;
  return relInRoot || basename(rootArg);
}

/**
 * Collects the .rego files under a path (a file or a folder) and, for folders, the data files
 * at their paths relative to it. Shared with `regent test`.
 */
export async function collectPath(input: string, cwd: string, into: Collected, includeTests: boolean, policiesOnly: boolean): Promise<void> {
  const abs = resolve(cwd, input);
  const info = await statOrFail(abs, "input");
  const files: { abs: string; rel: string }[] = [];
  if (info.isDirectory()) await walk(abs, "", files);
  else files.push({ abs, rel: "" });
  for (const f of files) {
    const name = basename(f.abs);
    if (name.endsWith(".rego")) {
      if (!includeTests && name.endsWith("_test.rego")) continue;
      const path = bundlePathFor(f.abs, abs, f.rel, cwd);
      let source: string;
      try {
        source = new TextDecoder("utf-8", { fatal: true }).decode(await readFile(f.abs));
      } catch {
        throw bundleError("format", `${path}: not valid UTF-8`);
      }
      into.modules.push({ path, source });
    } else if (!policiesOnly && DATA_FILE_NAMES.has(name) && info.isDirectory()) {
      into.data.push({ path: f.rel, bytes: new Uint8Array(await readFile(f.abs)), origin: relative(cwd, f.abs) || f.abs });
    }
  }
}

/** `-d` inputs: a data file goes to the data root whatever its name; a folder contributes its data files at their relative paths. */
export async function collectData(input: string, cwd: string, into: Collected): Promise<void> {
  const abs = resolve(cwd, input);
  const info = await statOrFail(abs, "data");
  if (info.isDirectory()) {
    const files: { abs: string; rel: string }[] = [];
    await walk(abs, "", files);
    for (const f of files) {
      if (DATA_FILE_NAMES.has(basename(f.abs))) into.data.push({ path: f.rel, bytes: new Uint8Array(await readFile(f.abs)), origin: relative(cwd, f.abs) });
    }
    return;
  }
  if (!/\.(json|ya?ml)$/.test(abs)) throw bundleError("build", `data file ${input} must be .json, .yaml or .yml`);
  const ext = abs.endsWith(".json") ? "json" : "yaml";
  into.data.push({ path: `data.${ext}`, bytes: new Uint8Array(await readFile(abs)), origin: input });
}

/** `git describe --always --dirty` in `dir`, or undefined when git or a repository is not there. */
export async function gitRevision(dir: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync("git", ["describe", "--always", "--dirty"], { cwd: dir, timeout: 10_000 });
    const rev = stdout.trim();
    return rev === "" ? undefined : rev;
  } catch {
    return undefined;
  }
}

/** Loads every input named by the options into build sources. */
export async function loadBuildSources(options: BuildOptions): Promise<BuildSources> {
  const cwd = options.cwd ?? process.cwd();
  const into: Collected = { modules: [], data: [] };
  let def: BundleDefinition = {};
  if (options.bundle) {
    const dir = resolve(cwd, options.bundle);
    const defPath = join(dir, BUNDLE_DEFINITION_FILE);
    await statOrFail(dir, "bundle folder");
    let text: string;
    try {
      text = await readFile(defPath, "utf8");
    } catch {
      throw bundleError("build", `bundle folder ${options.bundle} has no ${BUNDLE_DEFINITION_FILE} (it names roots and entrypoints)`);
    }
    def = parseBundleDefinition(text, relative(cwd, defPath) || defPath);
    // The folder's own data files and Rego sit at their paths relative to it.
    await collectData(dir, cwd, into);
    for (const p of def.policies ?? []) await collectPath(resolve(dir, p), cwd, into, options.includeTests ?? false, true);
  }
  for (const p of options.paths ?? []) await collectPath(p, cwd, into, options.includeTests ?? false, false);
  for (const d of options.data ?? []) await collectData(d, cwd, into);
  const entrypoints = [...new Set([...(def.entrypoints ?? []), ...(options.entrypoints ?? [])])];
  let revision = options.revision ?? def.revision;
  if (revision === undefined && options.git !== false) revision = await gitRevision(options.bundle ? resolve(cwd, options.bundle) : cwd);
  return { modules: into.modules, data: into.data, entrypoints, roots: def.roots, revision, metadata: def.metadata };
}

/** Builds a bundle from paths and/or a bundle definition folder. Same inputs, same bytes. */
export async function buildBundle(options: BuildOptions): Promise<BuildResult> {
  return assembleBundle(await loadBuildSources(options));
}
