/**
 * Operand checks shared by every host built-in (like regorus's utils.rs): each takes the built-in's name
 * and the 1-based operand position and throws OPA's "operand N must be T but got U" type error.
 * Values are plain JSON, as the SDK hands them over: a set arrives as an array.
 */
import { operandError } from "./errors.js";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };
/** What a host function may return: JSON plus bigint for exact integers, undefined for "undefined". */
export type HostValue = unknown;
export type HostFn = (...args: unknown[]) => HostValue;

/** OPA's type name of a JSON value. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  switch (typeof v) {
    case "boolean": return "boolean";
    case "number": case "bigint": return "number";
    case "string": return "string";
    default: return "object";
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(name: string, pos: number, v: unknown): string {
  if (typeof v !== "string") throw operandError(name, pos, "string", typeName(v));
  return v;
}

export function num(name: string, pos: number, v: unknown): number {
  if (typeof v !== "number") throw operandError(name, pos, "number", typeName(v));
  return v;
}

export function int(name: string, pos: number, v: unknown): number {
  const n = num(name, pos, v);
  if (!Number.isInteger(n)) throw operandError(name, pos, "integer number", "floating-point number");
  return n;
}

export function bool(name: string, pos: number, v: unknown): boolean {
  if (typeof v !== "boolean") throw operandError(name, pos, "boolean", typeName(v));
  return v;
}

export function arr(name: string, pos: number, v: unknown): Json[] {
  if (!Array.isArray(v)) throw operandError(name, pos, "array", typeName(v));
  return v as Json[];
}

/** A set or an array (indistinguishable once the SDK has dumped them to JSON). */
export function coll(name: string, pos: number, v: unknown, expected = "one of {array, set}"): Json[] {
  if (!Array.isArray(v)) throw operandError(name, pos, expected, typeName(v));
  return v as Json[];
}

export function obj(name: string, pos: number, v: unknown): JsonObject {
  if (!isObject(v)) throw operandError(name, pos, "object", typeName(v));
  return v;
}

/** Strings of a set or array operand. */
export function strings(name: string, pos: number, v: unknown, expected = "one of {array, set}"): string[] {
  const xs = coll(name, pos, v, expected);
  for (const x of xs) if (typeof x !== "string") throw operandError(name, pos, `${expected} of strings`, `${typeName(v)} containing ${typeName(x)}`);
  return xs as string[];
}
