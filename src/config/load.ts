/**
 * Merges the three configuration layers, lowest first: the YAML file, REGENT_* environment
 * variables (REGENT_SERVER__ADDR sets server.addr), then command-line flags (dotted keys).
 * Pure: the caller reads the file; errors name the file, the variable or the key.
 */
import { parse as parseYaml, YAMLParseError } from "yaml";
import { RegentError } from "../errors.js";
import { CONFIG_FILE, CONFIG_INVALID } from "./errors.js";
import { isPlainObject, validateConfig, type ServeConfig } from "./schema.js";

export interface ConfigLayers {
  fileText?: string;
  fileName?: string;
  env?: Record<string, string | undefined>;
  /** Dotted key → value, from flags; undefined values are ignored. */
  overrides?: Record<string, unknown>;
}

export function resolveConfig(layers: ConfigLayers): ServeConfig {
  let raw: Record<string, unknown> = {};
  if (layers.fileText !== undefined) raw = parseFile(layers.fileText, layers.fileName ?? "config");
  for (const [name, value] of Object.entries(layers.env ?? {})) {
    if (!name.startsWith("REGENT_") || value === undefined) continue;
    if (!name.includes("__")) continue; // REGENT_FOO without a section is not ours (e.g. REGENT_LOG)
    const key = name.slice("REGENT_".length).toLowerCase().split("__").join(".");
    setDotted(raw, key, parseScalar(value), name);
  }
  for (const [key, value] of Object.entries(layers.overrides ?? {})) {
    if (value !== undefined) setDotted(raw, key, value, key);
  }
  try {
    return validateConfig(raw);
  } catch (err) {
    if (err instanceof RegentError && layers.fileName) {
      throw new RegentError(err.code, `${err.message} (config file ${layers.fileName}, env REGENT_*, flags)`);
    }
    throw err;
  }
}

function parseFile(text: string, fileName: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      throw new RegentError(CONFIG_FILE, err.message.split("\n")[0]!, pos ? { file: fileName, row: pos.line, col: pos.col } : undefined);
    }
    throw new RegentError(CONFIG_FILE, `${fileName}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new RegentError(CONFIG_FILE, `${fileName}: the top level must be a mapping`);
  return doc;
}

/** Env values are YAML scalars, so `8`, `true` and `[RS256, ES256]` keep their types. */
function parseScalar(value: string): unknown {
  try {
    const v = parseYaml(value);
    return v === null ? value : v;
  } catch {
    return value;
  }
}

function setDotted(root: Record<string, unknown>, dotted: string, value: unknown, origin: string): void {
  const parts = dotted.split(".");
  let node = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    const next = node[p];
    if (next === undefined) node[p] = {};
    else if (!isPlainObject(next))
      throw new RegentError(CONFIG_INVALID, `${origin}: ${parts.slice(0, i + 1).join(".")} is not a mapping`);
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}
