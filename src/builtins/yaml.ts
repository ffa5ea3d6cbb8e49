/**
 * yaml.marshal / yaml.unmarshal / yaml.is_valid with the `yaml` package, shaped like OPA's Go output
 * (sigs.k8s.io/yaml: keys sorted, sequences not indented under their key, one document only).
 */
import { parseAllDocuments, stringify } from "yaml";
import { str, type HostFn } from "./args.js";
import { builtinError } from "./errors.js";

/** Parses one YAML document into JSON values; throws with the parser's message. */
export function parseYaml(s: string): unknown {
  const docs = parseAllDocuments(s, { uniqueKeys: true, merge: true });
  if (!Array.isArray(docs)) throw new Error("not a YAML document");
  if (docs.length === 0) return null;
  for (const d of docs) if (d.errors.length) throw new Error(d.errors[0]!.message.split("\n")[0]);
  // Non-string keys (numbers, booleans) become strings, as JSON conversion in Go does.
  const v = docs[0]!.toJS({ maxAliasCount: 100 });
  return normalise(v);
}

function normalise(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), normalise(x)]));
  if (v instanceof Set) return [...v].map(normalise);
  if (Array.isArray(v)) return v.map(normalise);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v;
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
  return v;
}

export const yamlBuiltins: Record<string, HostFn> = {
  "yaml.marshal": (x) => stringify(x, { sortMapEntries: true, indentSeq: false, lineWidth: 0 }),
  "yaml.unmarshal": (x) => {
    const s = str("yaml.unmarshal", 1, x);
    try {
      return parseYaml(s);
    } catch (e) {
      throw builtinError("yaml.unmarshal", (e as Error).message);
    }
  },
  "yaml.is_valid": (x) => {
    if (typeof x !== "string") return false;
    try {
      parseYaml(x);
      return true;
    } catch {
      return false;
    }
  },
};

