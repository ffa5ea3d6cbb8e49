/**
 * sprintf with Go's fmt semantics, on the operands OPA passes to Go: integers as int (big.Int beyond int64),
 * other numbers as float64, strings as string, and everything else as its Rego text (so `%v` of a composite
 * prints Rego syntax and booleans behave as the strings "true"/"false", exactly as in OPA).
 */
import { arr, str, type HostFn } from "./args.js";
import { goQuote, regoString } from "./values.js";

type Arg =
  | { kind: "int"; v: bigint; big: boolean }
  | { kind: "float"; v: number }
  | { kind: "string"; v: string };

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

export function toGoArg(v: unknown): Arg {
  if (typeof v === "bigint") return { kind: "int", v, big: v > INT64_MAX || v < INT64_MIN };
  if (typeof v === "number") {
    if (Number.isInteger(v)) {
      const b = BigInt(v);
      return { kind: "int", v: b, big: b > INT64_MAX || b < INT64_MIN };
    }
    return { kind: "float", v };
  }
  if (typeof v === "string") return { kind: "string", v };
  return { kind: "string", v: regoString(v) };
}

interface Spec { minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean; width?: number; prec?: number }

function typeLabel(a: Arg): string {
  return a.kind === "int" ? (a.big ? "*big.Int" : "int") : a.kind === "float" ? "float64" : "string";
}

function badVerb(verb: string, a: Arg): string {
  return `%!${verb}(${typeLabel(a)}=${formatV(a)})`;
}

function formatV(a: Arg): string {
  if (a.kind === "int") return a.v.toString();
  if (a.kind === "float") return formatFloat(a.v, "g", undefined, false);
  return a.v;
}

/** Decimal digits and decimal-point position of |x|, shortest (prec undefined) or rounded to prec digits. */
function digitsOf(x: number, prec?: number): { d: string; dp: number } {
  if (x === 0) return { d: "0", dp: 1 };
  const e = prec === undefined ? Math.abs(x).toExponential() : Math.abs(x).toExponential(Math.max(prec - 1, 0));
  const [mant, exp] = e.split("e") as [string, string];
  let d = mant.replace(".", "");
  if (prec === undefined) d = d.replace(/0+$/, "") || "0";
  return { d, dp: Number(exp) + 1 };
}

function expSuffix(exp: number, upper: boolean): string {
  const sign = exp < 0 ? "-" : "+";
  const a = Math.abs(exp);
  return `${upper ? "E" : "e"}${sign}${a < 10 ? "0" : ""}${a}`;
}

function fmtE(d: string, dp: number, prec: number, upper: boolean): string {
  const first = d[0] ?? "0";
  let rest = d.slice(1);
  rest = rest.length < prec ? rest.padEnd(prec, "0") : rest.slice(0, prec);
  const exp = d === "0" ? 0 : dp - 1;
  return `${first}${prec > 0 ? "." + rest : ""}${expSuffix(exp, upper)}`;
}

function fmtF(d: string, dp: number, prec: number): string {
  let int: string;
  let frac: string;
  if (dp <= 0) { int = "0"; frac = "0".repeat(-dp) + d; }
  else if (dp >= d.length) { int = d + "0".repeat(dp - d.length); frac = ""; }
  else { int = d.slice(0, dp); frac = d.slice(dp); }
  frac = frac.length < prec ? frac.padEnd(prec, "0") : frac.slice(0, prec);
  return prec > 0 ? `${int}.${frac}` : int;
}

/** Go's strconv.FormatFloat for verbs e, f, g (the sign is added by the caller). */
function formatFloat(x: number, verb: "e" | "E" | "f" | "F" | "g" | "G", prec: number | undefined, sharp: boolean): string {
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  let body: string;
  if (!Number.isFinite(ax)) body = Number.isNaN(ax) ? "NaN" : "Inf";
  else if (verb === "e" || verb === "E") {
    const p = prec ?? 6;
    const { d, dp } = digitsOf(ax, p + 1);
    body = fmtE(d, dp, p, verb === "E");
  } else if (verb === "f" || verb === "F") {
    body = ax.toFixed(Math.min(prec ?? 6, 100));
    if (ax >= 1e21) body = BigInt(Math.round(ax)).toString() + ((prec ?? 6) > 0 ? "." + "0".repeat(prec ?? 6) : "");
  } else {
    const shortest = prec === undefined;
    const p = prec === 0 ? 1 : prec;
    const digits = digitsOf(ax, p);
    const dp = digits.dp;
    let d = digits.d;
    if (!shortest && !sharp) d = d.replace(/0+$/, "") || "0";
    let eprec = shortest ? 6 : p!;
    if (!shortest && eprec > d.length && d.length >= dp) eprec = d.length;
    const exp = dp - 1;
    if (ax !== 0 && (exp < -4 || exp >= eprec)) {
      body = fmtE(d, dp, (shortest ? d.length : Math.min(p!, d.length)) - 1, verb === "G");
    } else {
      body = fmtF(d, dp, Math.max((shortest ? d.length : sharp ? p! : d.length) - dp, 0));
    }
  }
  return neg && body !== "NaN" ? "-" + body : body;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const w = spec.width ?? 0;
  const len = [...s].length;
  if (len >= w) return s;
  if (spec.minus) return s + " ".repeat(w - len);
  if (spec.zero) {
    // Zeros go after the sign for numbers.
    const m = numeric ? /^[+\- ]/.exec(s) : null;
    const sign = m ? m[0] : "";
    return sign + "0".repeat(w - len) + s.slice(sign.length);
  }
  return " ".repeat(w - len) + s;
}

function sign(neg: boolean, spec: Spec): string {
  return neg ? "-" : spec.plus ? "+" : spec.space ? " " : "";
}

function formatInt(verb: string, a: Extract<Arg, { kind: "int" }>, spec: Spec): string | undefined {
  const neg = a.v < 0n;
  const abs = neg ? -a.v : a.v;
  let digits: string;
  let prefix = "";
  switch (verb) {
    case "d": case "v": case "s":
      if (verb === "s" && !a.big) return undefined;
      digits = abs.toString(); break;
    case "b": digits = abs.toString(2); if (spec.sharp) prefix = "0b"; break;
    case "o": digits = abs.toString(8); if (spec.sharp) prefix = "0"; break;
    case "O": digits = abs.toString(8); prefix = "0o"; break;
    case "x": digits = abs.toString(16); if (spec.sharp) prefix = "0x"; break;
    case "X": digits = abs.toString(16).toUpperCase(); if (spec.sharp) prefix = "0X"; break;
    case "c": return pad(String.fromCodePoint(Number(a.v)), spec, false);
    case "q": return pad(goQuote(String.fromCodePoint(Number(a.v))).replace(/^"(.*)"$/s, "'$1'"), spec, false);
    case "U": return pad("U+" + abs.toString(16).toUpperCase().padStart(4, "0"), spec, false);
    case "e": case "E": case "f": case "F": case "g": case "G":
      if (!a.big) return undefined;
      return formatFloatVerb(verb, Number(a.v), spec);
    default: return undefined;
  }
  if (spec.prec !== undefined) digits = spec.prec === 0 && abs === 0n ? "" : digits.padStart(spec.prec, "0");
  const zeroOk = spec.prec === undefined;
  return pad(sign(neg, spec) + prefix + digits, { ...spec, zero: spec.zero && zeroOk }, true);
}

function formatFloatVerb(verb: string, x: number, spec: Spec): string | undefined {
  const v = verb === "v" ? "g" : verb;
  if (!"eEfFgG".includes(v)) return undefined;
  const body = formatFloat(x, v as "e", spec.prec, spec.sharp);
  const neg = body.startsWith("-");
  return pad(sign(neg, spec) + (neg ? body.slice(1) : body), spec, true);
}

function formatString(verb: string, s: string, spec: Spec): string | undefined {
  const cut = (x: string) => (spec.prec === undefined ? x : [...x].slice(0, spec.prec).join(""));
  switch (verb) {
    case "s": case "v": return pad(cut(s), spec, false);
    case "q": return pad(spec.sharp && !s.includes("`") && !hasControlChar(s) ? "`" + cut(s) + "`" : goQuote(cut(s)), spec, false);
    case "x": case "X": {
      let hex = [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, "0"));
      if (spec.prec !== undefined) hex = hex.slice(0, spec.prec);
      const out = hex.join(spec.space ? " " : "");
      return pad(verb === "X" ? out.toUpperCase() : out, spec, false);
    }
    default: return undefined;
  }
}

function formatArg(verb: string, a: Arg, spec: Spec): string {
  let out: string | undefined;
  if (a.kind === "int") out = formatInt(verb, a, spec);
  else if (a.kind === "float") out = formatFloatVerb(verb, a.v, spec);
  else out = formatString(verb, a.v, spec);
  return out ?? badVerb(verb, a);
}

/** Go's fmt.Sprintf over already-converted operands. */
export function goSprintf(format: string, args: Arg[]): string {
  let out = "";
  let argi = 0;
  let reordered = false;
  const chars = [...format];
  let i = 0;
  const readNum = (): number | undefined => {
    let s = "";
    while (i < chars.length && /[0-9]/.test(chars[i]!)) s += chars[i++];
    return s ? Number(s) : undefined;
  };
  const readIndex = (): void => {
    if (chars[i] !== "[") return;
    const close = chars.indexOf("]", i);
    const n = Number(chars.slice(i + 1, close).join(""));
    if (close > i && Number.isInteger(n) && n >= 1) { argi = n - 1; reordered = true; i = close + 1; }
  };
  while (i < chars.length) {
    const c = chars[i++]!;
    if (c !== "%") { out += c; continue; }
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < chars.length; i++) {
      const f = chars[i];
      if (f === "-") { spec.minus = true; spec.zero = false; }
      else if (f === "+") spec.plus = true;
      else if (f === "#") spec.sharp = true;
      else if (f === " ") spec.space = true;
      else if (f === "0") spec.zero = !spec.minus;
      else break;
    }
    readIndex();
    if (chars[i] === "*") {
      i++;
      const a = args[argi++];
      if (a?.kind === "int") { spec.width = Math.abs(Number(a.v)); if (a.v < 0n) { spec.minus = true; spec.zero = false; } }
      else out += "%!(BADWIDTH)";
    } else spec.width = readNum();
    if (chars[i] === ".") {
      i++;
      readIndex();
      if (chars[i] === "*") {
        i++;
        const a = args[argi++];
        if (a?.kind === "int" && a.v >= 0n) spec.prec = Number(a.v);
        else out += "%!(BADPREC)";
      } else spec.prec = readNum() ?? 0;
    }
    readIndex();
    const verb = chars[i++];
    if (verb === undefined) { out += "%!(NOVERB)"; break; }
    if (verb === "%") { out += "%"; continue; }
    const a = args[argi++];
    if (a === undefined) { out += `%!${verb}(MISSING)`; continue; }
    if (verb === "t") { out += badVerb("t", a); continue; }
    out += formatArg(verb, a, spec);
  }
  if (!reordered && argi < args.length) {
    out += "%!(EXTRA " + args.slice(argi).map((a) => `${typeLabel(a)}=${formatV(a)}`).join(", ") + ")";
  }
  return out;
}

export const sprintfBuiltins: Record<string, HostFn> = {
  sprintf: (format, values) => {
    const f = str("sprintf", 1, format);
    const xs = arr("sprintf", 2, values);
    return goSprintf(f, xs.map(toGoArg));
  },
};

/** Go's %#q falls back to a quoted string when a backquoted one could not hold the text. */
function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}
