/**
 * Host built-ins of the time family (OPA's topdown/time.go). Timestamps are int64 nanoseconds computed as
 * bigint; results beyond 2^53 reach the SDK exactly (encode.ts), but operands arrive through the SDK's
 * JSON.parse and so carry only float64 precision (about ±256 ns today).
 */
import { int, str, typeName, type HostFn } from "./args.js";
import { INT64_MAX, INT64_MIN, NS_PER_SEC, WEEKDAYS, fromCivil, toCivil, zoneOffset } from "./civil.js";
import type { HostContext } from "./context.js";
import { builtinError, operandError } from "./errors.js";
import { LayoutParseError, NAMED_LAYOUTS, formatTime, parseTime } from "./time-layout.js";

const RFC3339 = "2006-01-02T15:04:05Z07:00";
const RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00";

function checkRange(name: string, ns: bigint): bigint {
  if (ns < INT64_MIN || ns > INT64_MAX) throw builtinError(name, "time outside of valid range");
  return ns;
}

/**
 * A JSON number as int64 nanoseconds. The SDK's JSON.parse has already rounded big ones to float64, so
 * read the number's shortest decimal form: that is the literal the policy or input most likely held
 * (1585852421593912000 rather than the float's exact 1585852421593912064).
 */
export function nsFromNumber(n: number): bigint {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) return INT64_MAX + 1n;
  return BigInt(String(Math.trunc(n)));
}

/** A timestamp operand: ns number, or [ns, tz] / [ns, tz, layout] where the form allows it. */
function timeOperand(name: string, x: unknown, allowLayout = false): { ns: bigint; zone: string; layout?: string } {
  let n: unknown = x;
  let zone = "";
  let layout: string | undefined;
  if (Array.isArray(x)) {
    if (x.length < 2 || x.length > (allowLayout ? 3 : 2)) {
      throw builtinError(name, `array should have ${allowLayout ? "2 or 3" : "2"} elements`);
    }
    n = x[0];
    zone = str(name, 1, x[1]);
    if (x.length === 3) layout = str(name, 1, x[2]);
  } else if (typeof x !== "number" && typeof x !== "bigint") {
    throw operandError(name, 1, "one of {number, array}", typeName(x));
  }
  if (typeof n !== "number" && typeof n !== "bigint") throw operandError(name, 1, "number", typeName(n));
  const f = typeof n === "bigint" ? n : nsFromNumber(n);
  if (f > INT64_MAX || f < INT64_MIN) throw builtinError(name, "timestamp too big");
  if (zone !== "" && zone !== "UTC" && zone !== "Local") {
    try {
      zoneOffset(zone, 0);
    } catch {
      throw builtinError(name, `unknown time zone ${zone}`);
    }
  }
  return { ns: f, zone, layout };
}

/** Go's time.ParseDuration. */
export function parseDuration(s: string): bigint {
  const UNITS: Record<string, bigint> = {
    ns: 1n, us: 1000n, "µs": 1000n, "μs": 1000n, ms: 1_000_000n, s: NS_PER_SEC, m: 60n * NS_PER_SEC, h: 3600n * NS_PER_SEC,
  };
  const bad = (): never => { throw new Error(`time: invalid duration ${JSON.stringify(s)}`); };
  let rest = s;
  let neg = false;
  if (rest.startsWith("-") || rest.startsWith("+")) { neg = rest[0] === "-"; rest = rest.slice(1); }
  if (rest === "0") return 0n;
  if (rest === "") bad();
  let total = 0n;
  while (rest !== "") {
    const m = /^([0-9]*)(\.([0-9]*))?/.exec(rest)!;
    if (m[1] === "" && (m[3] === undefined || m[3] === "")) bad();
    rest = rest.slice(m[0].length);
    const u = /^[^0-9.]+/.exec(rest);
    if (!u) throw new Error(`time: missing unit in duration ${JSON.stringify(s)}`);
    const unit = UNITS[u[0]];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(u[0])} in duration ${JSON.stringify(s)}`);
    rest = rest.slice(u[0].length);
    let v = BigInt(m[1] || "0") * unit;
    const frac = m[3] ?? "";
    if (frac) v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > INT64_MAX + (neg ? 1n : 0n)) throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
  }
  return neg ? -total : total;
}

/** OPA's time.diff: calendar difference [y, m, d, h, min, s] between two instants, in t1's zone. */
function diff(a: { ns: bigint; zone: string }, b: { ns: bigint; zone: string }): number[] {
  const [x, y] = a.ns > b.ns ? [b.ns, a.ns] : [a.ns, b.ns];
  const t1 = toCivil(x, a.zone), t2 = toCivil(y, a.zone);
  let year = t2.year - t1.year, month = t2.month - t1.month, day = t2.day - t1.day;
  let hour = t2.hour - t1.hour, min = t2.minute - t1.minute, sec = t2.second - t1.second;
  if (sec < 0) { sec += 60; min--; }
  if (min < 0) { min += 60; hour--; }
  if (hour < 0) { hour += 24; day--; }
  if (day < 0) {
    // Days in t1's month, computed as Go does: day 32 of it, normalised.
    const d32 = toCivil(fromCivil(t1.year, t1.month, 32, 0, 0, 0, 0, 0), "");
    day += 32 - d32.day;
    month--;
  }
  if (month < 0) { month += 12; year--; }
  return [year, month, day, hour, min, sec];
}

function wrapParse<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof LayoutParseError || (e instanceof Error && e.message.startsWith("time:"))) {
      throw builtinError(name, e.message);
    }
    throw e;
  }
}

export function timeBuiltins(ctx: HostContext): Record<string, HostFn> {
  return {
    "time.now_ns": () => ctx.memo("time.now_ns", () => ctx.clock()),
    "time.parse_rfc3339_ns": (v) => {
      const s = str("time.parse_rfc3339_ns", 1, v);
      return checkRange("time.parse_rfc3339_ns", wrapParse("time.parse_rfc3339_ns", () => parseTime(RFC3339, s)));
    },
    "time.parse_ns": (layout, v) => {
      const l = str("time.parse_ns", 1, layout);
      const s = str("time.parse_ns", 2, v);
      return checkRange("time.parse_ns", wrapParse("time.parse_ns", () => parseTime(NAMED_LAYOUTS[l] ?? l, s)));
    },
    "time.parse_duration_ns": (v) => {
      const s = str("time.parse_duration_ns", 1, v);
      return wrapParse("time.parse_duration_ns", () => parseDuration(s));
    },
    "time.date": (x) => {
      const t = timeOperand("time.date", x);
      const c = toCivil(t.ns, t.zone);
      return [c.year, c.month, c.day];
    },
    "time.clock": (x) => {
      const t = timeOperand("time.clock", x);
      const c = toCivil(t.ns, t.zone);
      return [c.hour, c.minute, c.second];
    },
    "time.weekday": (x) => {
      const t = timeOperand("time.weekday", x);
      return WEEKDAYS[toCivil(t.ns, t.zone).weekday];
    },
    "time.add_date": (x, years, months, days) => {
      const name = "time.add_date";
      const ns = typeof x === "bigint" ? x : nsFromNumber(int(name, 1, x));
      if (ns > INT64_MAX || ns < INT64_MIN) throw builtinError(name, "timestamp too big");
      const c = toCivil(ns, "");
      const y = int(name, 2, years), m = int(name, 3, months), d = int(name, 4, days);
      return checkRange(name, fromCivil(c.year + y, c.month + m, c.day + d, c.hour, c.minute, c.second, c.nano, 0));
    },
    "time.diff": (a, b) => diff(timeOperand("time.diff", a), timeOperand("time.diff", b)),
    "time.format": (x) => {
      const t = timeOperand("time.format", x, true);
      const layout = t.layout === undefined ? RFC3339_NANO : NAMED_LAYOUTS[t.layout] ?? t.layout;
      return formatTime(toCivil(t.ns, t.zone), layout);
    },
  };
}
