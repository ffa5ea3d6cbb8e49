/**
 * The few Rego value semantics the hand-written limits need to decide exactly as the policy does:
 * undefined-propagating lookups, OPA's total order across types, deep equality and set building.
 */

export type V = unknown;

const isObj = (v: V): v is Record<string, V> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `a.b[0].c`: undefined as soon as a step is missing or not a container, as in Rego. */
export function get(v: V, ...path: (string | number)[]): V {
  let cur = v;
  for (const k of path) {
    if (Array.isArray(cur) && typeof k === "number") cur = cur[k];
    else if (isObj(cur) && typeof k === "string" && Object.hasOwn(cur, k)) cur = cur[k];
    else return undefined;
  }
  return cur;
}

/** A Rego body expression holds when it is defined and not false. */
export const truthy = (v: V): boolean => v !== undefined && v !== false;

function rank(v: V): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return 1;
  if (typeof v === "number") return 2;
  if (typeof v === "string") return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

/** OPA's ordering: null < boolean < number < string < array < object; objects by sorted keys then values. */
export function compare(a: V, b: V): number {
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === "boolean") return Number(a) - Number(b as boolean);
  if (typeof a === "number") return a - (b as number);
  if (typeof a === "string") return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (Array.isArray(a)) {
    const bb = b as V[];
    for (let i = 0; i < Math.min(a.length, bb.length); i++) {
      const c = compare(a[i], bb[i]);
      if (c !== 0) return c;
    }
    return a.length - bb.length;
  }
  const oa = a as Record<string, V>, ob = b as Record<string, V>;
  const ka = Object.keys(oa).sort(), kb = Object.keys(ob).sort();
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const ck = compare(ka[i], kb[i]);
    if (ck !== 0) return ck;
    const cv = compare(oa[ka[i]!], ob[kb[i]!]);
    if (cv !== 0) return cv;
  }
  return ka.length - kb.length;
}

export const eq = (a: V, b: V): boolean => a !== undefined && b !== undefined && compare(a, b) === 0;

/** `x in coll` for arrays, and for objects over their values, as Rego's `in`. */
export function member(x: V, coll: V): boolean {
  if (x === undefined) return false;
  const values = Array.isArray(coll) ? coll : isObj(coll) ? Object.values(coll) : [];
  return values.some((v) => eq(x, v));
}

/** A Rego set built from defined values: deduplicated and in Rego's order. */
export function setOf(values: V[]): V[] {
  const out: V[] = [];
  for (const v of values) if (v !== undefined && !out.some((o) => eq(o, v))) out.push(v);
  return out.sort(compare);
}

export function max(values: V[]): V {
  return values.length === 0 ? undefined : values.reduce((m, v) => (compare(v, m) > 0 ? v : m));
}

export function min(values: V[]): V {
  return values.length === 0 ? undefined : values.reduce((m, v) => (compare(v, m) < 0 ? v : m));
}

/** Rego's count of a string counts code points. */
export function count(v: V): number | undefined {
  if (typeof v === "string") {
    let n = 0;
    for (const _ of v) n++;
    return n;
  }
  if (Array.isArray(v)) return v.length;
  if (isObj(v)) return Object.keys(v).length;
  return undefined;
}

/** json.marshal: Go's encoder sorts object keys. */
export function marshal(v: V): string {
  if (Array.isArray(v)) return `[${v.map(marshal).join(",")}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${marshal(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

export { isObj };
