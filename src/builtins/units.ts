/**
 * units.parse and units.parse_bytes (OPA's topdown/parse_units.go, parse_bytes.go): decimal (k, M, G…)
 * and binary (Ki, Mi…) suffixes, computed exactly with bigint rationals so large byte counts stay exact.
 */
import { str, type HostFn } from "./args.js";
import { builtinError } from "./errors.js";

/** Largest decimal exponent accepted; beyond it OPA reports "exponent too large" rather than allocate. */
const MAX_EXPONENT = 1000;

interface Rat { num: bigint; den: bigint }

/** Splits "1.5e3Ki" into number and unit; an e/E is part of the number only if a digit or sign follows. */
function splitNumUnit(s: string): [string, string] {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (/[0-9.+-]/.test(c)) continue;
    if (c === "e" || c === "E") {
      const n = s[i + 1];
      if (n !== undefined && /[0-9+-]/.test(n)) {
        if (n === "+" || n === "-") i++;
        continue;
      }
    }
    break;
  }
  return [s.slice(0, i), s.slice(i)];
}

/** An exact rational from a decimal literal (Go's big.Rat SetString syntax), or undefined. */
function parseDecimal(name: string, s: string): Rat | undefined {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(s);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const exp = Number(m[4] ?? 0);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > MAX_EXPONENT) throw builtinError(name, "exponent too large");
  const frac = m[3] ?? "";
  let num = BigInt((m[2] || "0") + frac);
  let den = 10n ** BigInt(frac.length);
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den *= 10n ** BigInt(-exp);
  return { num: m[1] === "-" ? -num : num, den };
}

/** An exact rational as a JSON number: bigint when integral, otherwise a float (OPA prints 10 decimals). */
function ratToNumber(r: Rat): bigint | number {
  if (r.num % r.den === 0n) return r.num / r.den;
  return Number(r.num * 10n ** 10n / r.den) / 1e10;
}

const DEC: Record<string, bigint> = { "": 1n, k: 1000n, m: 1000n ** 2n, g: 1000n ** 3n, t: 1000n ** 4n, p: 1000n ** 5n, e: 1000n ** 6n };
const BIN: Record<string, bigint> = { ki: 1n << 10n, mi: 1n << 20n, gi: 1n << 30n, ti: 1n << 40n, pi: 1n << 50n, ei: 1n << 60n };

function parseUnits(x: unknown): bigint | number {
  const name = "units.parse";
  const s = str(name, 1, x).replaceAll('"', "");
  if (s.includes(" ")) throw builtinError(name, "spaces not allowed in resource strings");
  const [numStr, unitRaw] = splitNumUnit(s);
  if (numStr === "") throw builtinError(name, "no amount provided");
  // Case matters only for the first letter: "m" is milli, "M" is mega.
  const unit = unitRaw.length > 1 ? unitRaw[0] + unitRaw.slice(1).toLowerCase() : unitRaw;
  let mult: Rat;
  if (unit === "m") mult = { num: 1n, den: 1000n };
  else if (unit === "M") mult = { num: DEC.m!, den: 1n };
  else if (/^[kKgGtTpPeE]?$/.test(unit)) mult = { num: DEC[unit.toLowerCase()]!, den: 1n };
  else if (/^[kKmMgGtTpPeE]i$/.test(unit)) mult = { num: BIN[unit.toLowerCase()]!, den: 1n };
  else throw builtinError(name, `unknown unit "${unitRaw}"`);
  const n = parseDecimal(name, numStr);
  if (!n) throw builtinError(name, "could not parse amount to a number");
  return ratToNumber({ num: n.num * mult.num, den: n.den * mult.den });
}

function parseBytes(x: unknown): bigint | number {
  const name = "units.parse_bytes";
  const s = str(name, 1, x).replaceAll('"', "").toLowerCase();
  if (s.includes(" ")) throw builtinError(name, "spaces not allowed in resource strings");
  const [numStr, unit] = splitNumUnit(s);
  if (numStr === "") throw builtinError(name, "no byte amount provided");
  const u = unit.replace(/b$/, "");
  const mult = u === "" ? 1n : DEC[u] ?? BIN[u];
  if (mult === undefined || (unit !== "" && !/^([kmgtpe]i?b?|b)$/.test(unit))) throw builtinError(name, "byte unit could not be parsed");
  const n = parseDecimal(name, numStr);
  if (!n) throw builtinError(name, "could not parse byte amount to a number");
  // Truncated toward zero, like big.Float.Int.
  return (n.num * mult) / n.den;
}

export const unitsBuiltins: Record<string, HostFn> = {
  "units.parse": parseUnits,
  "units.parse_bytes": parseBytes,
};
