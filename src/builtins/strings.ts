/**
 * String built-ins not in the wasm runtime (OPA's topdown/strings.go): any_prefix/suffix_match,
 * count, indexof_n, split_n, render_template (field actions only).
 */
import { int, isObject, obj, str, typeName, type HostFn } from "./args.js";
import { builtinError, operandError } from "./errors.js";


function stringsOf(name: string, pos: number, v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (!Array.isArray(v)) throw operandError(name, pos, "one of {string, set, array}", typeName(v));
  for (const x of v) if (typeof x !== "string") throw operandError(name, pos, "array of strings", `array containing ${typeName(x)}`);
  return v as string[];
}

const cps = (s: string) => [...s];

/** Go's strings.Count: non-overlapping; an empty substring counts rune boundaries. */
function count(search: unknown, sub: unknown): number {
  const s = str("strings.count", 1, search), t = str("strings.count", 2, sub);
  if (t === "") return cps(s).length + 1;
  let n = 0;
  for (let i = s.indexOf(t); i >= 0; i = s.indexOf(t, i + t.length)) n++;
  return n;
}

function indexofN(base: unknown, search: unknown): number[] {
  const s = cps(str("indexof_n", 1, base)), t = cps(str("indexof_n", 2, search));
  const out: number[] = [];
  for (let i = 0; i + t.length <= s.length; i++) if (t.every((c, j) => s[i + j] === c)) out.push(i);
  return out;
}

function splitN(value: unknown, delim: unknown, n: unknown): string[] {
  const name = "strings.split_n";
  const s = str(name, 1, value), d = str(name, 2, delim);
  const k = int(name, 3, n);
  const parts = d === "" ? cps(s) : s.split(d);
  if (k === 0) return [];
  return k > 0 ? parts.slice(0, k) : parts.slice(Math.max(parts.length + k, 0));
}

/** Go text/template, limited to `{{.a.b}}` field actions with `{{-`/`-}}` trimming. */
function renderTemplate(template: unknown, vars: unknown): string {
  const name = "strings.render_template";
  const t = str(name, 1, template);
  const v = obj(name, 2, vars);
  return t.replace(/(\s*)\{\{(-?)\s*(.*?)\s*(-?)\}\}(\s*)/gs, (_m, pre: string, l: string, action: string, r: string, post: string) => {
    if (!/^\.[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$|^\.$/.test(action)) {
      throw builtinError(name, `template action {{${action}}} is not supported (only field references like {{.name}})`);
    }
    let cur: unknown = v;
    for (const f of action.split(".").filter(Boolean)) cur = isObject(cur) ? cur[f] : undefined;
    const text = cur === undefined ? "<no value>" : typeof cur === "string" ? cur : JSON.stringify(cur);
    return (l ? "" : pre) + text + (r ? "" : post);
  });
}

export const stringBuiltins: Record<string, HostFn> = {
  "strings.any_prefix_match": (a, b) => {
    const xs = stringsOf("strings.any_prefix_match", 1, a), ps = stringsOf("strings.any_prefix_match", 2, b);
    return xs.some((x) => ps.some((p) => x.startsWith(p)));
  },
  "strings.any_suffix_match": (a, b) => {
    const xs = stringsOf("strings.any_suffix_match", 1, a), ps = stringsOf("strings.any_suffix_match", 2, b);
    return xs.some((x) => ps.some((p) => x.endsWith(p)));
  },
  "strings.count": count,
  indexof_n: indexofN,
  "strings.split_n": splitN,
  "strings.render_template": renderTemplate,
};

