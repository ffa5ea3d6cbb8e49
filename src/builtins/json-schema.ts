/**
 * json.verify_schema and json.match_schema: a JSON Schema (draft 4/6/7) validator covering the keywords
 * policies use, reporting errors in the shape OPA returns from gojsonschema ({error, type, field, desc}).
 * `format` is not checked (gojsonschema only checks a few formats); remote $refs are refused.
 */
import { isObject, type HostFn, type Json, type JsonObject } from "./args.js";
import { builtinError } from "./errors.js";
import { compileRe2 } from "./re2.js";
import { equalValues, regoString } from "./values.js";

export interface SchemaError { error: string; type: string; field: string; desc: string }

const TYPES = ["array", "boolean", "integer", "null", "number", "object", "string"];

class SchemaInvalid extends Error {}

function typeOf(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v === "object" ? "object" : typeof v;
}

/** Checks keyword types so a bad schema is reported instead of half-applied. */
function checkSchema(s: Json, at: string): void {
  if (typeof s === "boolean") return;
  if (!isObject(s)) throw new SchemaInvalid(`${at}: schema must be an object or a boolean`);
  const need = (k: string, ok: (v: Json) => boolean, what: string) => {
    if (k in s && !ok(s[k]!)) throw new SchemaInvalid(`${at}: ${k} must be ${what}`);
  };
  const isNum = (v: Json) => typeof v === "number";
  const isNat = (v: Json) => typeof v === "number" && Number.isInteger(v) && v >= 0;
  const typeName = (t: Json) => typeof t === "string" && TYPES.includes(t);
  if ("type" in s && !(typeName(s.type!) || (Array.isArray(s.type) && s.type.every(typeName)))) {
    throw new SchemaInvalid(`${at}: has a primitive type that is NOT VALID -- given: ${regoString(s.type)} Expected valid values are:[${TYPES.join(" ")}]`);
  }
  for (const k of ["minimum", "maximum", "multipleOf"]) need(k, isNum, "a number");
  for (const k of ["exclusiveMinimum", "exclusiveMaximum"]) need(k, (v) => isNum(v) || typeof v === "boolean", "a number or a boolean");
  for (const k of ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"]) need(k, isNat, "a non-negative integer");
  need("required", (v) => Array.isArray(v) && v.every((x) => typeof x === "string"), "an array of strings");
  need("enum", Array.isArray, "an array");
  need("uniqueItems", (v) => typeof v === "boolean", "a boolean");
  need("pattern", (v) => typeof v === "string", "a string");
  if (typeof s.pattern === "string") {
    try { compileRe2(s.pattern); } catch { throw new SchemaInvalid(`${at}: pattern ${JSON.stringify(s.pattern)} is not a valid regular expression`); }
  }
  for (const k of ["properties", "patternProperties", "definitions", "$defs"]) {
    if (k in s) {
      if (!isObject(s[k]!)) throw new SchemaInvalid(`${at}: ${k} must be an object`);
      for (const [n, sub] of Object.entries(s[k] as JsonObject)) checkSchema(sub, `${at}.${k}.${n}`);
    }
  }
  for (const k of ["allOf", "anyOf", "oneOf"]) {
    if (k in s) {
      if (!Array.isArray(s[k]) || (s[k] as Json[]).length === 0) throw new SchemaInvalid(`${at}: ${k} must be a non-empty array`);
      (s[k] as Json[]).forEach((sub, i) => checkSchema(sub, `${at}.${k}.${i}`));
    }
  }
  for (const k of ["not", "additionalProperties", "additionalItems", "contains", "propertyNames", "if", "then", "else"]) {
    if (k in s) checkSchema(s[k]!, `${at}.${k}`);
  }
  if ("items" in s) {
    if (Array.isArray(s.items)) s.items.forEach((sub, i) => checkSchema(sub, `${at}.items.${i}`));
    else checkSchema(s.items!, `${at}.items`);
  }
  if ("$ref" in s && (typeof s.$ref !== "string" || !s.$ref.startsWith("#"))) {
    throw new SchemaInvalid(`${at}: only local $ref ("#/...") is supported, got ${regoString(s.$ref)}`);
  }
}

function resolveRef(root: Json, ref: string): Json {
  let cur: Json = root;
  for (const raw of ref.replace(/^#\/?/, "").split("/").filter((x) => x !== "")) {
    const seg = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (isObject(cur) && seg in cur) cur = cur[seg]!;
    else if (Array.isArray(cur) && /^\d+$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)]!;
    else throw new SchemaInvalid(`$ref ${ref} does not resolve`);
  }
  return cur;
}

class Validator {
  readonly errors: SchemaError[] = [];
  private depth = 0;
  constructor(private readonly root: Json) {}

  private fail(path: string[], type: string, desc: string): void {
    const field = path.length ? path.join(".") : "(root)";
    this.errors.push({ error: `${field}: ${desc}`, type, field, desc });
  }

  /** True if v matches s; errors are recorded only when `record`. */
  check(v: Json, s: Json, path: string[], record = true): boolean {
    if (!record) {
      const probe = new Validator(this.root);
      probe.depth = this.depth;
      return probe.check(v, s, path, true);
    }
    if (++this.depth > 200) throw new SchemaInvalid("schema $ref recursion is too deep");
    try {
      return this.checkInner(v, s, path);
    } finally {
      this.depth--;
    }
  }

  private checkInner(v: Json, s: Json, path: string[]): boolean {
    const before = this.errors.length;
    if (s === true) return true;
    if (s === false) { this.fail(path, "false", "False always fails validation"); return false; }
    if (!isObject(s)) return true;
    if (typeof s.$ref === "string") return this.check(v, resolveRef(this.root, s.$ref), path);
    const t = typeOf(v);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      const ok = types.some((x) => x === t || (x === "number" && t === "integer"));
      if (!ok) { this.fail(path, "invalid_type", `Invalid type. Expected: ${types.join(", ")}, given: ${t}`); return false; }
    }
    if (s.enum !== undefined && !(s.enum as Json[]).some((e) => equalValues(e, v))) {
      this.fail(path, "enum", `${path.length ? path[path.length - 1] : "(root)"} must be one of the following: ${(s.enum as Json[]).map((e) => JSON.stringify(e)).join(", ")}`);
    }
    if ("const" in s && !equalValues(s.const, v)) this.fail(path, "const", `${path.length ? path[path.length - 1] : "(root)"} does not match: ${JSON.stringify(s.const)}`);
    if (typeof v === "number") this.numbers(v, s, path);
    if (typeof v === "string") this.strings(v, s, path);
    if (Array.isArray(v)) this.arrays(v, s, path);
    if (isObject(v)) this.objects(v, s, path);
    if (Array.isArray(s.allOf)) for (const sub of s.allOf) this.check(v, sub, path);
    if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => this.check(v, sub, path, false))) {
      this.fail(path, "number_any_of", "Must validate at least one schema (anyOf)");
    }
    if (Array.isArray(s.oneOf)) {
      const n = s.oneOf.filter((sub) => this.check(v, sub, path, false)).length;
      if (n !== 1) this.fail(path, "number_one_of", "Must validate one and only one schema (oneOf)");
    }
    if ("not" in s && this.check(v, s.not!, path, false)) this.fail(path, "number_not", "Must not validate the schema (not)");
    if ("if" in s) {
      const branch = this.check(v, s.if!, path, false) ? s.then : s.else;
      if (branch !== undefined) this.check(v, branch, path);
    }
    return this.errors.length === before;
  }

  private numbers(v: number, s: JsonObject, path: string[]): void {
    const ex = (k: "exclusiveMinimum" | "exclusiveMaximum") => s[k];
    if (typeof s.minimum === "number") {
      const exclusive = ex("exclusiveMinimum") === true;
      if (exclusive ? v <= s.minimum : v < s.minimum) this.fail(path, exclusive ? "number_gt" : "number_gte", `Must be greater than ${exclusive ? "" : "or equal to "}${s.minimum}`);
    }
    if (typeof s.maximum === "number") {
      const exclusive = ex("exclusiveMaximum") === true;
      if (exclusive ? v >= s.maximum : v > s.maximum) this.fail(path, exclusive ? "number_lt" : "number_lte", `Must be less than ${exclusive ? "" : "or equal to "}${s.maximum}`);
    }
    if (typeof s.exclusiveMinimum === "number" && v <= s.exclusiveMinimum) this.fail(path, "number_gt", `Must be greater than ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === "number" && v >= s.exclusiveMaximum) this.fail(path, "number_lt", `Must be less than ${s.exclusiveMaximum}`);
    if (typeof s.multipleOf === "number" && s.multipleOf > 0) {
      const q = v / s.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) this.fail(path, "multiple_of", `Must be a multiple of ${s.multipleOf}`);
    }
  }

  private strings(v: string, s: JsonObject, path: string[]): void {
    const len = [...v].length;
    if (typeof s.minLength === "number" && len < s.minLength) this.fail(path, "string_gte", `String length must be greater than or equal to ${s.minLength}`);
    if (typeof s.maxLength === "number" && len > s.maxLength) this.fail(path, "string_lte", `String length must be less than or equal to ${s.maxLength}`);
    if (typeof s.pattern === "string" && !compileRe2(s.pattern).test(v)) this.fail(path, "pattern", `Does not match pattern '${s.pattern}'`);
  }

  private arrays(v: Json[], s: JsonObject, path: string[]): void {
    if (typeof s.minItems === "number" && v.length < s.minItems) this.fail(path, "array_min_items", `Array must have at least ${s.minItems} items`);
    if (typeof s.maxItems === "number" && v.length > s.maxItems) this.fail(path, "array_max_items", `Array must have at most ${s.maxItems} items`);
    if (s.uniqueItems === true) {
      for (let i = 0; i < v.length; i++) {
        for (let j = 0; j < i; j++) {
          if (equalValues(v[i], v[j])) { this.fail(path, "unique", `array items[${j},${i}] must be unique`); i = v.length; break; }
        }
      }
    }
    if (Array.isArray(s.items)) {
      v.forEach((x, i) => {
        const sub = (s.items as Json[])[i];
        if (sub !== undefined) this.check(x, sub, [...path, String(i)]);
        else if (s.additionalItems !== undefined) this.check(x, s.additionalItems, [...path, String(i)]);
      });
    } else if (s.items !== undefined) v.forEach((x, i) => this.check(x, s.items!, [...path, String(i)]));
    if (s.contains !== undefined && !v.some((x) => this.check(x, s.contains!, path, false))) {
      this.fail(path, "contains", "At least one of the items must match");
    }
  }

  private objects(v: JsonObject, s: JsonObject, path: string[]): void {
    const keys = Object.keys(v);
    if (typeof s.minProperties === "number" && keys.length < s.minProperties) this.fail(path, "array_min_properties", `Must have at least ${s.minProperties} properties`);
    if (typeof s.maxProperties === "number" && keys.length > s.maxProperties) this.fail(path, "array_max_properties", `Must have at most ${s.maxProperties} properties`);
    if (Array.isArray(s.required)) {
      for (const r of s.required as string[]) if (!(r in v)) this.fail(path, "required", `${r} is required`);
    }
    const props = isObject(s.properties) ? s.properties : {};
    const patterns = isObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
    for (const k of keys.sort()) {
      let matched = false;
      if (k in props) { matched = true; this.check(v[k]!, props[k]!, [...path, k]); }
      for (const [p, sub] of patterns) {
        if (compileRe2(p).test(k)) { matched = true; this.check(v[k]!, sub, [...path, k]); }
      }
      if (!matched && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) this.fail(path, "additional_property_not_allowed", `Additional property ${k} is not allowed`);
        else this.check(v[k]!, s.additionalProperties, [...path, k]);
      }
      if (s.propertyNames !== undefined) this.check(k, s.propertyNames, [...path, k]);
    }
  }
}

function load(name: string, pos: number, x: unknown): Json {
  if (typeof x !== "string") return x as Json;
  try {
    return JSON.parse(x) as Json;
  } catch (e) {
    throw builtinError(name, `operand ${pos}: ${(e as Error).message}`);
  }
}

function schemaOperand(name: string, pos: number, x: unknown): Json {
  const s = load(name, pos, x);
  if (!isObject(s) && typeof s !== "boolean") throw builtinError(name, `operand ${pos}: schema must be an object or a boolean`);
  return s;
}

export const jsonSchemaBuiltins: Record<string, HostFn> = {
  "json.verify_schema": (x) => {
    const s = schemaOperand("json.verify_schema", 1, x);
    try {
      checkSchema(s, "(root)");
      return [true, null];
    } catch (e) {
      if (e instanceof SchemaInvalid) return [false, e.message];
      throw e;
    }
  },
  "json.match_schema": (doc, schema) => {
    const name = "json.match_schema";
    const d = load(name, 1, doc);
    const s = schemaOperand(name, 2, schema);
    try {
      checkSchema(s, "(root)");
      const v = new Validator(s);
      v.check(d, s, []);
      return [v.errors.length === 0, v.errors];
    } catch (e) {
      if (e instanceof SchemaInvalid) throw builtinError(name, `invalid schema: ${e.message}`);
      throw e;
    }
  },
};
