/**
 * Small constructors and queries over AST nodes shared by the parser modules: operator calls
 * with OPA's names, OPA's value-type names for messages, and a compact printer for refs in messages.
 */
import type { CallTerm, Location, RefTerm, Term, VarTerm } from "../ast.js";

/** `fn` ref for a built-in name such as `equal` or `internal.member_2`, located at the operator. */
const splitNames = new Map<string, string[]>();

export function opRef(name: string, loc: Location): RefTerm {
  let parts = splitNames.get(name);
  if (!parts) splitNames.set(name, (parts = name.split(".")));
  const terms: Term[] = [{ type: "var", name: parts[0], loc }];
  for (let i = 1; i < parts.length; i++) terms.push({ type: "string", value: parts[i], loc });
  return { type: "ref", terms, loc };
}

export function opCall(name: string, args: Term[], opLoc: Location, loc: Location): CallTerm {
  return { type: "call", fn: opRef(name, opLoc), args, loc };
}

export function varTerm(name: string, loc: Location): VarTerm {
  return { type: "var", name, loc };
}

/** OPA's `ValueName`, used in messages such as "number cannot be used for rule name". */
export function valueName(t: Term): string {
  switch (t.type) {
    case "arraycomp": return "arraycomprehension";
    case "setcomp": return "setcomprehension";
    case "objectcomp": return "objectcomprehension";
    default: return t.type;
  }
}

/** Is `fn` the call target named `name` (e.g. `internal.member_2`)? */
export function isCallTo(t: Term, name: string): boolean {
  return t.type === "call" && refName(t.fn) === name;
}

/** `a.b.c` for a ref of a var and string terms; null when the ref has other terms. */
export function refName(r: RefTerm): string | null {
  const head = r.terms[0];
  if (head.type !== "var") return null;
  let s = head.name;
  for (let i = 1; i < r.terms.length; i++) {
    const t = r.terms[i];
    if (t.type !== "string") return null;
    s += "." + t.value;
  }
  return s;
}

/** A short Rego rendering of a term, for error messages only. */
export function show(t: Term): string {
  switch (t.type) {
    case "null": return "null";
    case "boolean": return String(t.value);
    case "number": return t.value;
    case "string": return JSON.stringify(t.value);
    case "var": return t.name;
    case "ref": return showRef(t.terms);
    case "array": return `[${t.items.map(show).join(", ")}]`;
    case "set": return t.items.length ? `{${t.items.map(show).join(", ")}}` : "set()";
    case "object": return `{${t.items.map(([k, v]) => `${show(k)}: ${show(v)}`).join(", ")}}`;
    case "call": return `${show(t.fn)}(${t.args.map(show).join(", ")})`;
    case "arraycomp": return `[${show(t.head)} | ...]`;
    case "setcomp": return `{${show(t.head)} | ...}`;
    case "objectcomp": return `{${show(t.key)}: ${show(t.value)} | ...}`;
  }
}

export function showRef(terms: Term[]): string {
  let s = show(terms[0]);
  for (let i = 1; i < terms.length; i++) {
    const t = terms[i];
    s += t.type === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(t.value) ? `.${t.value}` : `[${show(t)}]`;
  }
  return s;
}

/** True when a term contains no variables (OPA's IsGround). */
export function isGround(t: Term): boolean {
  switch (t.type) {
    case "null": case "boolean": case "number": case "string": return true;
    case "var": return false;
    case "ref": return t.terms.every(isGround);
    case "array": case "set": return t.items.every(isGround);
    case "object": return t.items.every(([k, v]) => isGround(k) && isGround(v));
    case "call": return t.args.every(isGround) && isGround(t.fn);
    default: return false;
  }
}
