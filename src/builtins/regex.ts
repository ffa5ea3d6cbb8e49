/**
 * Host built-ins of the regex family (OPA's topdown/regex.go): RE2 patterns, translated by re2.ts,
 * with Go's semantics for find-all, split and `$1` expansion in replacements.
 */
import { int, str, type HostFn } from "./args.js";
import { builtinError } from "./errors.js";
import { compileRe2, findAll, Re2SyntaxError } from "./re2.js";
import { globsIntersect } from "./regex-globs.js";

function compile(name: string, pattern: string, global = false): RegExp {
  try {
    return compileRe2(pattern, global);
  } catch (e) {
    if (e instanceof Re2SyntaxError) throw builtinError(name, `error parsing regexp: ${e.message}`);
    throw e;
  }
}

/** Go's Regexp.Expand template syntax: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, m: RegExpExecArray): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== "$" || i + 1 >= template.length) { out += c; continue; }
    if (template[i + 1] === "$") { out += "$"; i++; continue; }
    let name: string;
    let end: number;
    if (template[i + 1] === "{") {
      const close = template.indexOf("}", i + 2);
      name = close < 0 ? "" : template.slice(i + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(name)) { out += c; continue; }
      end = close + 1;
    } else {
      const w = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!w) { out += c; continue; }
      name = w[0];
      end = i + 1 + name.length;
    }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? "";
    else out += m.groups?.[name] ?? "";
    i = end - 1;
  }
  return out;
}

function match(pattern: unknown, value: unknown): boolean {
  const p = str("regex.match", 1, pattern);
  return compile("regex.match", p).test(str("regex.match", 2, value));
}

/** Go's Regexp.Split(s, -1). */
export function goSplit(re: RegExp, s: string, emptyExpr: boolean): string[] {
  if (!emptyExpr && s.length === 0) return [""];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(re, s, -1)) {
    end = m.index;
    if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** OPA's regex.template_match: literal text with regex parts between single-character delimiters. */
function templateMatch(template: unknown, value: unknown, start: unknown, end: unknown): boolean {
  const name = "regex.template_match";
  const t = str(name, 1, template);
  const v = str(name, 2, value);
  const ds = str(name, 3, start);
  const de = str(name, 4, end);
  if ([...ds].length !== 1 || [...de].length !== 1) throw builtinError(name, "delimiters must be single characters");
  let source = "^";
  let level = 0;
  let idx = 0;
  let partStart = 0;
  const quote = (x: string) => x.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  // Nested delimiters inside a regex part are allowed, as in OPA's delimiter scan.
  for (; idx < t.length; idx++) {
    const c = t[idx];
    if (c === ds) {
      if (level === 0) { source += quote(t.slice(partStart, idx)); partStart = idx + 1; }
      level++;
    } else if (c === de && level > 0) {
      level--;
      if (level === 0) {
        const part = t.slice(partStart, idx);
        try {
          source += `(?:${compileRe2(part).source})`;
        } catch (e) {
          if (e instanceof Re2SyntaxError) throw builtinError(name, `error parsing regexp: ${e.message}`);
          throw e;
        }
        partStart = idx + 1;
      }
    }
  }
  if (level !== 0) throw builtinError(name, `unbalanced braces in template ${JSON.stringify(t)}`);
  source += quote(t.slice(partStart)) + "$";
  return new RegExp(source, "u").test(v);
}

export const regexBuiltins: Record<string, HostFn> = {
  "regex.match": match,
  re_match: (p, v) => {
    const pat = str("re_match", 1, p);
    return compile("re_match", pat).test(str("re_match", 2, v));
  },
  "regex.is_valid": (pattern) => {
    if (typeof pattern !== "string") return false;
    try {
      compileRe2(pattern);
      return true;
    } catch {
      return false;
    }
  },
  "regex.find_n": (pattern, value, n) => {
    const re = compile("regex.find_n", str("regex.find_n", 1, pattern), true);
    const s = str("regex.find_n", 2, value);
    return findAll(re, s, int("regex.find_n", 3, n)).map((m) => m[0]);
  },
  "regex.find_all_string_submatch_n": (pattern, value, n) => {
    const name = "regex.find_all_string_submatch_n";
    const re = compile(name, str(name, 1, pattern), true);
    const s = str(name, 2, value);
    return findAll(re, s, int(name, 3, n)).map((m) => [...m].map((g) => g ?? ""));
  },
  "regex.split": (pattern, value) => {
    const p = str("regex.split", 1, pattern);
    const re = compile("regex.split", p, true);
    return goSplit(re, str("regex.split", 2, value), p.length === 0);
  },
  "regex.replace": (base, pattern, value) => {
    const s = str("regex.replace", 1, base);
    const re = compile("regex.replace", str("regex.replace", 2, pattern), true);
    const tpl = str("regex.replace", 3, value);
    let out = "";
    let last = 0;
    for (const m of findAll(re, s, -1)) {
      out += s.slice(last, m.index) + expand(tpl, m);
      last = m.index + m[0].length;
    }
    return out + s.slice(last);
  },
  "regex.template_match": templateMatch,
  "regex.globs_match": (a, b) => {
    const x = str("regex.globs_match", 1, a);
    const y = str("regex.globs_match", 2, b);
    try {
      return globsIntersect(x, y);
    } catch (e) {
      throw builtinError("regex.globs_match", (e as Error).message);
    }
  },
};
