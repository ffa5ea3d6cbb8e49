/**
 * Loads conformance cases: OPA's YAML test files (`cases: [{note, modules, data, input |
 * input_term, query, want_result | want_error | want_error_code, sort_bindings, strict_error,
 * skip}]`) from a folder tree. A file that cannot be read or parsed becomes one failing case.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { parse as parseYaml } from "yaml";

export interface Case {
  /** The case's folder relative to the corpus root, without a leading `v1/` (e.g. `aggregates`). */
  folder: string;
  /** The YAML file relative to the corpus root. */
  file: string;
  note: string;
  modules: string[];
  data?: unknown;
  input?: unknown;
  /** `input_term`: the input written as a Rego term. */
  inputTerm?: string;
  query: string;
  wantResult?: Record<string, unknown>[];
  wantError?: string;
  wantErrorCode?: string;
  sortBindings: boolean;
  strictError: boolean;
  /** The case's own `skip` field, when it has one (a reason, or true). */
  skip?: string | boolean;
  /** Set when the file itself could not be loaded; such a case always fails. */
  loadError?: string;
  /** Every field as written, for stages that need more. */
  raw: Record<string, unknown>;
}

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await yamlFiles(p)));
    else if (e.isFile() && (e.name.endsWith(".yaml") || e.name.endsWith(".yml"))) out.push(p);
  }
  return out;
}

function folderOf(root: string, file: string): string {
  const rel = relative(root, file).split(sep);
  rel.pop();
  if (rel[0] === "v1" && rel.length > 1) rel.shift();
  return rel.join("/") || ".";
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Turns one YAML case into a `Case`; a malformed entry gets a `loadError`. */
export function toCase(folder: string, file: string, raw: unknown, index: number): Case {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const note = str(r.note) ?? `${file}#${index}`;
  const c: Case = {
    folder, file, note, raw: r,
    modules: [],
    query: str(r.query) ?? "",
    sortBindings: r.sort_bindings === true,
    strictError: r.strict_error === true,
  };
  const problems: string[] = [];
  if (!raw || typeof raw !== "object") problems.push("case is not a mapping");
  if (r.modules !== undefined) {
    if (Array.isArray(r.modules) && r.modules.every((m) => typeof m === "string")) c.modules = r.modules as string[];
    else problems.push("modules must be a list of strings");
  }
  if (typeof r.query !== "string") problems.push("query must be a string");
  if ("data" in r) c.data = r.data;
  if ("input" in r) c.input = r.input;
  if (r.input_term !== undefined) {
    if (typeof r.input_term === "string") c.inputTerm = r.input_term;
    else problems.push("input_term must be a string");
  }
  if (r.want_result !== undefined) {
    if (Array.isArray(r.want_result)) c.wantResult = r.want_result as Record<string, unknown>[];
    else problems.push("want_result must be a list");
  }
  if (r.want_error !== undefined) c.wantError = String(r.want_error);
  if (r.want_error_code !== undefined) c.wantErrorCode = String(r.want_error_code);
  if (r.skip !== undefined && r.skip !== false) c.skip = typeof r.skip === "string" ? r.skip : true;
  if (problems.length) c.loadError = `malformed case: ${problems.join("; ")}`;
  return c;
}

/** Every case under `root`, in file order; `filters` keep folders containing any of them. */
export async function loadCorpus(root: string, filters: string[] = []): Promise<Case[]> {
  const cases: Case[] = [];
  for (const path of await yamlFiles(root)) {
    const folder = folderOf(root, path);
    if (filters.length > 0 && !filters.some((f) => folder.includes(f))) continue;
    const file = relative(root, path).split(sep).join("/");
    let doc: unknown;
    try {
      doc = parseYaml(await readFile(path, "utf8"));
    } catch (err) {
      const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
      cases.push({ ...toCase(folder, file, { note: file, query: "" }, 0), loadError: `cannot load ${file}: ${reason}` });
      continue;
    }
    const list = (doc as { cases?: unknown } | null)?.cases;
    if (!Array.isArray(list)) {
      cases.push({ ...toCase(folder, file, { note: file, query: "" }, 0), loadError: `${file} has no cases list` });
      continue;
    }
    list.forEach((raw, i) => cases.push(toCase(folder, file, raw, i)));
  }
  return cases;
}
