/**
 * Translates Go RE2 syntax (what Rego's regex built-ins accept) into an equivalent JavaScript RegExp with the
 * `u` flag: (?P<name>), \z, \A, \Q..\E, POSIX classes, ASCII \s, flag groups anywhere (emulated), and RE2's
 * laxer class syntax. Rejects what RE2 rejects (backreferences, lookaround). Compiled patterns are cached.
 */

export class Re2SyntaxError extends Error {}

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z", alpha: "A-Za-z", ascii: "\\x00-\\x7F", blank: "\\t ", cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9", graph: "!-~", lower: "a-z", print: " -~", punct: "!-\\/:-@\\[-`{-~", space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z", word: "0-9A-Za-z_", xdigit: "0-9A-Fa-f",
};
// Go's \s is ASCII only, unlike JavaScript's.
const SPACE = "\\t\\n\\f\\r ";
const JS_SYNTAX = new Set("^$\\.*+?()[]{}|/-".split(""));

function escapeChar(c: string): string {
  return JS_SYNTAX.has(c) ? `\\${c}` : /[A-Za-z0-9]/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

/** Go's \pN / \p{Greek} / \PL: JS needs Script= for scripts, and accepts general categories as is. */
function unicodeClass(name: string, negated: boolean): string {
  const cats = /^(L|Lu|Ll|Lt|Lm|Lo|M|Mn|Mc|Me|N|Nd|Nl|No|P|Pc|Pd|Ps|Pe|Pi|Pf|Po|S|Sm|Sc|Sk|So|Z|Zs|Zl|Zp|C|Cc|Cf|Cs|Co|Cn)$/;
  let neg = negated;
  let n = name;
  if (n.startsWith("^")) { neg = !neg; n = n.slice(1); }
  if (n === "Any") return neg ? "[^\\s\\S]" : "[\\s\\S]";
  const body = cats.test(n) ? n : `Script=${n}`;
  return `\\${neg ? "P" : "p"}{${body}}`;
}

interface Translated { source: string; flags: string }
interface Mode { i: boolean; s: boolean; m: boolean }

/** A flag group: (?i) (?-s) (?im:...) — anything but the plain and named groups. */
const FLAG_GROUP = /\(\?[imsU-]*[imsU][imsU-]*[:)]/;

function setFlags(mode: Mode, spec: string): Mode {
  const next = { ...mode };
  let on = true;
  for (const f of spec) {
    if (f === "-") on = false;
    else if (f === "U") throw new Re2SyntaxError("ungreedy flag (?U) is not supported");
    else next[f as keyof Mode] = on;
  }
  return next;
}

/** Both cases of the ASCII letters in lo..hi, for a class under (?i). */
function otherCaseRange(lo: number, hi: number): string {
  let out = "";
  for (const [a, z, shift] of [[97, 122, -32], [65, 90, 32]] as const) {
    const from = Math.max(lo, a), to = Math.min(hi, z);
    if (from <= to) out += `${String.fromCharCode(from + shift)}-${String.fromCharCode(to + shift)}`;
  }
  return out;
}

/** Translates one RE2 pattern; throws Re2SyntaxError on syntax RE2 does not accept. */
export function translateRe2(pattern: string): Translated {
  let flags = "u";
  let i = 0;
  let out = "";
  // A leading (?flags) becomes JavaScript flags. Flag groups elsewhere ((?i:x), a(?i)b, (?-i)) have no
  // JavaScript form in Node 20, so then every flag is emulated: letters become [xX], '.' becomes
  // [\s\S], ^/$ become line lookarounds.
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  const emulate = FLAG_GROUP.test(pattern.slice(lead ? lead[0].length : 0));
  let mode: Mode = { i: false, s: false, m: false };
  const modes: Mode[] = [];
  if (lead) {
    for (const f of lead[1]!) {
      if (f === "U") throw new Re2SyntaxError("ungreedy flag (?U) is not supported");
      if (emulate) mode[f as keyof Mode] = true;
      else if (!flags.includes(f)) flags += f;
    }
    i = lead[0].length;
  }
  const lit = (ch: string): string => {
    const esc = escapeChar(ch);
    if (!mode.i || !/^\p{L}$/u.test(ch)) return esc;
    const lo = ch.toLowerCase(), up = ch.toUpperCase();
    return lo === up || [...lo].length !== 1 || [...up].length !== 1 ? esc : `[${lo}${up}]`;
  };
  let rangeLo = "";
  let inClass = false;
  let depth = 0;
  // Inside a class: what the last atom was, so a '-' after a class escape or a range is escaped
  // (RE2 reads it as a literal; JavaScript's u-mode rejects it).
  let prevAtom: "none" | "char" | "class" | "range" = "none";
  let pendingRange = false;
  const classAtom = (kind: "char" | "class") => {
    prevAtom = pendingRange ? "range" : kind;
    pendingRange = false;
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") {
      if (inClass) classAtom(/[dDwWsSpP]/.test(pattern[i + 1] ?? "") ? "class" : "char");
      const n = pattern[i + 1];
      if (n === undefined) throw new Re2SyntaxError("trailing backslash at end of expression");
      i += 2;
      if (n === "Q") {
        const end = pattern.indexOf("\\E", i);
        const quoted = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
        out += [...quoted].map(inClass ? escapeChar : lit).join("");
        i = end < 0 ? pattern.length : end + 2;
      } else if (n === "z") out += inClass ? "z" : "$(?![\\s\\S])";
      else if (n === "A") out += "^(?<![\\s\\S])";
      else if (n === "s") out += inClass ? SPACE : `[${SPACE}]`;
      else if (n === "S") out += inClass ? "\\S" : `[^${SPACE}]`;
      else if (n === "p" || n === "P") {
        let name: string;
        if (pattern[i] === "{") {
          const end = pattern.indexOf("}", i);
          if (end < 0) throw new Re2SyntaxError("invalid character class range");
          name = pattern.slice(i + 1, end);
          i = end + 1;
        } else {
          name = pattern[i] ?? "";
          i += 1;
        }
        out += unicodeClass(name, n === "P");
      } else if (/[1-9]/.test(n)) throw new Re2SyntaxError(`invalid escape sequence: \`\\${n}\``);
      else if (/[dDwWbBtnrfv]/.test(n)) out += `\\${n}`;
      else if (n === "x") {
        const m = /^\{([0-9A-Fa-f]{1,6})\}|^([0-9A-Fa-f]{2})/.exec(pattern.slice(i));
        if (!m) throw new Re2SyntaxError(`invalid escape sequence: \`\\x${pattern.slice(i, i + 2)}\``);
        out += `\\u{${m[1] ?? m[2]}}`;
        i += m[0].length;
      } else if (/[A-Za-z]/.test(n)) throw new Re2SyntaxError(`invalid escape sequence: \`\\${n}\``);
      else out += n === "-" && !inClass ? "-" : escapeChar(n);
      continue;
    }
    if (inClass) {
      if (c === "[" && pattern[i + 1] === ":") {
        const end = pattern.indexOf(":]", i + 2);
        const name = end < 0 ? "" : pattern.slice(i + 2, end);
        const neg = name.startsWith("^");
        const cls = POSIX[neg ? name.slice(1) : name];
        if (cls === undefined) throw new Re2SyntaxError(`invalid character class range: \`${pattern.slice(i, end + 2)}\``);
        if (neg) throw new Re2SyntaxError("negated POSIX classes inside a class are not supported");
        out += cls;
        classAtom("class");
        i = end + 2;
        continue;
      }
      if (c === "-" && pattern[i + 1] !== "]" && prevAtom === "char" && !pendingRange) {
        pendingRange = true;
        out += "-";
      } else if (c === "-") {
        out += "\\-";
        classAtom("char");
      } else {
        if (c === "]") inClass = false;
        out += c === "[" ? "\\[" : c;
        if (mode.i && c !== "]") {
          if (pendingRange) out += otherCaseRange(rangeLo.codePointAt(0)!, c.codePointAt(0)!);
          else if (c.toLowerCase() !== c.toUpperCase()) out += c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
        }
        rangeLo = c;
        classAtom("char");
      }
      i++;
      continue;
    }
    if (c === "[") {
      inClass = true;
      prevAtom = "none";
      pendingRange = false;
      out += c;
      i++;
      if (pattern[i] === "^") { out += "^"; i++; }
      // A leading ] is a literal in RE2.
      if (pattern[i] === "]") { out += "\\]"; i++; prevAtom = "char"; }
      continue;
    }
    if (c === "(") {
      if (pattern[i + 1] === "?") {
        const rest = pattern.slice(i + 2);
        const inline = /^([imsU-]+)(:|\))/.exec(rest);
        if (inline && inline[2] === ")") {
          // (?flags) changes the flags for the rest of the enclosing group; it opens no group.
          mode = setFlags(mode, inline[1]!);
          i += 2 + inline[0].length;
          continue;
        }
        depth++;
        modes.push(mode);
        const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
        if (named) { out += `(?<${named[1]}>`; i += 2 + named[0].length; continue; }
        if (rest.startsWith(":")) { out += "(?:"; i += 3; continue; }
        if (inline) { mode = setFlags(mode, inline[1]!); out += "(?:"; i += 2 + inline[0].length; continue; }
        throw new Re2SyntaxError(`invalid or unsupported Perl syntax: \`(?${rest.slice(0, 1)}\``);
      }
      depth++;
      modes.push(mode);
    }
    if (c === ")") {
      if (depth === 0) throw new Re2SyntaxError(`unexpected ): \`${pattern}\``);
      depth--;
      mode = modes.pop()!;
    }
    if (c === "." && mode.s) { out += "[\\s\\S]"; i++; continue; }
    if (c === "^" && mode.m) { out += "(?<![^\\n])"; i++; continue; }
    if (c === "$" && mode.m) { out += "(?![^\\n])"; i++; continue; }
    if (c === "{") {
      const q = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
      out += q ? q[0] : "\\{";
      i += q ? q[0].length : 1;
      continue;
    }
    if (c === "}") { out += "\\}"; i++; continue; }
    if (c === "/") { out += "\\/"; i++; continue; }
    out += /^\p{L}$/u.test(c) ? lit(c) : c;
    i++;
  }
  if (inClass) throw new Re2SyntaxError(`missing closing ]: \`${pattern}\``);
  if (depth > 0) throw new Re2SyntaxError(`missing closing ): \`${pattern}\``);
  return { source: out, flags };
}

const cache = new Map<string, RegExp>();
const CACHE_MAX = 100;

/** A compiled RE2 pattern; `global` adds the g flag (for scanning). Throws Re2SyntaxError. */
export function compileRe2(pattern: string, global = false): RegExp {
  const key = `${global ? "g" : "-"}${pattern}`;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  const { source, flags } = translateRe2(pattern);
  let re: RegExp;
  try {
    re = new RegExp(source, global ? flags + "g" : flags);
  } catch (e) {
    throw new Re2SyntaxError((e as Error).message.replace(/^Invalid regular expression: /, ""));
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, re);
  return re;
}

/** All non-overlapping matches with Go's rule: an empty match right after the previous match is skipped. */
export function findAll(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const g = re.global ? re : new RegExp(re.source, re.flags + "g");
  g.lastIndex = 0;
  const out: RegExpExecArray[] = [];
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && g.lastIndex <= s.length) {
    const m = g.exec(s);
    if (!m) break;
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      // Advance by one code point, as Go advances by one rune.
      const cp = s.codePointAt(m.index);
      g.lastIndex = m.index + (cp !== undefined && cp > 0xffff ? 2 : 1);
      if (m.index === prevEnd) continue;
    }
    out.push(m);
    prevEnd = end;
  }
  return out;
}
