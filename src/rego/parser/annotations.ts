/**
 * `# METADATA` blocks: collects each block's comment lines, parses them as YAML, and attaches
 * the result to the statement that follows (a rule, or the package for package/subpackages
 * scope), with OPA's rules for default scopes and OPA's messages for misplaced ones.
 */
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { Annotation, Location, Module, Package, Rule } from "../ast.js";
import type { RawComment } from "../lexer.js";
import { errorLoc, locOf } from "../location.js";
import { parseError } from "../errors.js";
import type { RegentError } from "../../errors.js";

interface Block {
  head: RawComment;
  lines: RawComment[];
}

function findBlocks(comments: RawComment[]): Block[] {
  const blocks: Block[] = [];
  let cur: Block | null = null;
  for (let i = 0; i < comments.length; i++) {
    const c = comments[i];
    if (cur) {
      const prev = comments[i - 1];
      if (c.row === prev.row + 1 && c.col === 1) {
        cur.lines.push(c);
        continue;
      }
      cur = null;
    }
    if (c.text.trim().startsWith("METADATA")) {
      cur = { head: c, lines: [] };
      blocks.push(cur);
    }
  }
  return blocks;
}

type Parsed = { annotation: Annotation } | { error: RegentError };

function parseBlock(file: string, b: Block): Parsed {
  const last = b.lines.length ? b.lines[b.lines.length - 1] : b.head;
  const loc: Location = { ...locOf(file, b.head), end: last.end };
  const text = b.lines.map((l) => (l.text.startsWith(" ") ? l.text.slice(1) : l.text)).join("\n");
  if (text.trim() === "") return { error: parseError("expected METADATA block, found whitespace", errorLoc(loc)) };
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    let at = b.head;
    let msg = e instanceof Error ? e.message : String(e);
    if (e instanceof YAMLParseError && e.linePos) {
      const line = e.linePos[0].line;
      at = b.lines[Math.min(Math.max(line - 1, 0), b.lines.length - 1)] ?? b.head;
      msg = msg.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    }
    return { error: parseError(`yaml: ${msg}`, errorLoc(locOf(file, at))) };
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    return { error: parseError("METADATA block must be a YAML mapping", errorLoc(loc)) };
  }
  const fields = doc as Record<string, unknown>;
  const a: Annotation = { type: "annotation", scope: "", fields, loc };
  for (const key of ["scope", "title", "description"] as const) {
    const v = fields[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") return { error: parseError(`invalid ${key} in METADATA block: must be a string`, errorLoc(loc)) };
    if (key === "scope") a.scope = v;
    else a[key] = v;
  }
  const invalid = validateLists(fields);
  if (invalid) return { error: parseError(invalid, errorLoc(loc)) };
  if (fields.entrypoint !== undefined) {
    if (typeof fields.entrypoint !== "boolean") {
      return { error: parseError("invalid entrypoint in METADATA block: must be a boolean", errorLoc(loc)) };
    }
    a.entrypoint = fields.entrypoint;
  }
  return { annotation: a };
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const nonEmpty = (v: unknown): boolean => typeof v === "string" && v.trim() !== "";

/** OPA's checks on the structured fields; returns its message for the first bad one. */
function validateLists(f: Record<string, unknown>): string | null {
  const list = (key: string): unknown[] | null => (f[key] === undefined || f[key] === null ? [] : Array.isArray(f[key]) ? (f[key] as unknown[]) : null);
  const orgs = list("organizations");
  if (orgs === null || orgs.some((o) => typeof o !== "string")) return "invalid organizations in METADATA block: must be a list of strings";
  const related = list("related_resources");
  if (related === null) return "invalid related_resources in METADATA block: must be a list";
  for (const r of related) {
    const def = JSON.stringify(r);
    if (typeof r === "string") {
      if (r === "") return `invalid related-resource definition ${def}: ref URL may not be empty string`;
    } else if (isMap(r)) {
      if (!nonEmpty(r.ref)) return `invalid related-resource definition ${def}: 'ref' value required in object`;
    } else return `invalid related-resource definition ${def}: invalid value type, must be string or map`;
  }
  const authors = list("authors");
  if (authors === null) return "invalid authors in METADATA block: must be a list";
  for (const a of authors) {
    const def = JSON.stringify(a);
    if (typeof a === "string") {
      if (a.trim() === "") return `invalid author definition ${def}: author is an empty string`;
    } else if (isMap(a)) {
      if (!nonEmpty(a.name) && !nonEmpty(a.email)) return `invalid author definition ${def}: 'name' and/or 'email' values required in object`;
    } else return `invalid author definition ${def}: invalid value type, must be string or map`;
  }
  const schemas = list("schemas");
  if (schemas === null || schemas.some((x) => !isMap(x))) return "invalid schemas in METADATA block: must be a list of mappings";
  if (f.custom !== undefined && f.custom !== null && !isMap(f.custom)) return "invalid custom in METADATA block: must be a mapping";
  return null;
}

type Stmt = Package | Rule | { type: "import"; loc: Location };

const SCOPES = "Use one of 'rule', 'document', 'package', or 'subpackages'";

/** The ground prefix of a rule's ref: the part up to the first non-string term. */
function groundPath(r: Rule): string {
  const parts: string[] = [];
  for (const t of r.head.ref) {
    if (t.type === "var" && parts.length === 0) parts.push(t.name);
    else if (t.type === "string") parts.push(t.value);
    else break;
  }
  return parts.join(".");
}

/**
 * Parses every METADATA block in `comments` and attaches it within `module`. `stmts` are the
 * module's statements in source order (rules of an else chain or extra bodies are one statement).
 */
export function attachAnnotations(file: string, comments: RawComment[], module: Module, stmts: Stmt[]): RegentError[] {
  const errors: RegentError[] = [];
  for (const b of findBlocks(comments)) {
    const parsed = parseBlock(file, b);
    if ("error" in parsed) {
      errors.push(parsed.error);
      continue;
    }
    const a = parsed.annotation;
    const node = stmts.find((s) => s.loc.row > b.head.row);
    if (a.scope === "") {
      if (node?.type === "rule") a.scope = a.entrypoint ? "document" : "rule";
      else if (node?.type === "package") a.scope = "package";
      else if (node?.type === "import") a.scope = "import";
    }
    const have = node ? ` (have ${node.type})` : "";
    switch (a.scope) {
      case "rule":
      case "document":
        if (node?.type !== "rule") {
          errors.push(parseError(`annotation scope '${a.scope}' must be applied to rule${have}`, errorLoc(a.loc)));
          break;
        }
        if (a.scope === "rule") node.annotations.push(a);
        else {
          const path = groundPath(node);
          for (const r of module.rules) if (groundPath(r) === path) r.annotations.push(a);
        }
        break;
      case "package":
      case "subpackages":
        if (node?.type !== "package") {
          errors.push(parseError(`annotation scope '${a.scope}' must be applied to package${have}`, errorLoc(a.loc)));
          break;
        }
        module.annotations.push(a);
        break;
      default:
        errors.push(parseError(`invalid annotation scope '${a.scope}'. ${SCOPES}`, errorLoc(a.loc)));
    }
  }
  return errors;
}
