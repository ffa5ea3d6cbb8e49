/**
 * Calendar arithmetic on nanosecond timestamps (Go's time.Time within int64 nanoseconds), in a fixed UTC
 * offset or an IANA zone resolved with Intl. Pure integer math (Hinnant's civil-from-days), no Date quirks.
 */

export const NS_PER_SEC = 1_000_000_000n;
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

export interface Civil {
  year: number; month: number; day: number;
  hour: number; minute: number; second: number; nano: number;
  /** UTC offset in seconds of the zone at this instant. */
  offset: number;
  /** Zone abbreviation for layouts with MST ("UTC", "EST", or "" to print the offset). */
  abbrev: string;
  weekday: number; // 0 = Sunday
  yday: number;    // 1-based
}

export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z0: number): { year: number; month: number; day: number } {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    // Throws RangeError for an unknown zone; callers turn that into a built-in error.
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", era: "short", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric", timeZoneName: "short",
    });
    formatters.set(zone, f);
  }
  return f;
}

export function isUtc(zone: string): boolean {
  return zone === "" || zone === "UTC";
}

// Intl lookups cost microseconds; policies ask about the same instant (now) several times per evaluation.
const offsetCache = new Map<string, { offset: number; abbrev: string }>();

/** Offset (seconds east of UTC) and abbreviation of an IANA zone at a Unix second. */
export function zoneOffset(zone: string, unixSec: number): { offset: number; abbrev: string } {
  if (isUtc(zone)) return { offset: 0, abbrev: "UTC" };
  const key = `${zone}|${unixSec}`;
  const hit = offsetCache.get(key);
  if (hit) return hit;
  const found = lookupOffset(zone, unixSec);
  if (offsetCache.size >= 256) offsetCache.delete(offsetCache.keys().next().value!);
  offsetCache.set(key, found);
  return found;
}

function lookupOffset(zone: string, unixSec: number): { offset: number; abbrev: string } {
  const name = zone === "Local" ? Intl.DateTimeFormat().resolvedOptions().timeZone : zone;
  // Intl works on ms since the epoch within ±8.64e15; int64 ns timestamps always fit.
  const parts = formatter(name).formatToParts(new Date(unixSec * 1000));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  let year = Number(get("year"));
  if (get("era") === "BC" || get("era") === "B") year = 1 - year;
  const local = daysFromCivil(year, Number(get("month")), Number(get("day"))) * 86400 +
    Number(get("hour")) * 3600 + Number(get("minute")) * 60 + Number(get("second"));
  const tzName = get("timeZoneName");
  return { offset: local - unixSec, abbrev: /^GMT[+-]/.test(tzName) ? "" : tzName === "GMT" ? "GMT" : tzName };
}

/** Broken-down time of a nanosecond timestamp in a zone (IANA name, "Local", "" = UTC) or a fixed offset. */
export function toCivil(ns: bigint, zone: string | { offset: number; abbrev: string }): Civil {
  const sec = floorDiv(ns, NS_PER_SEC);
  const nano = Number(ns - sec * NS_PER_SEC);
  const z = typeof zone === "string" ? zoneOffset(zone, Number(sec)) : zone;
  const local = Number(sec) + z.offset;
  const days = Math.floor(local / 86400);
  const rem = local - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return {
    year, month, day, hour: Math.floor(rem / 3600), minute: Math.floor((rem % 3600) / 60), second: rem % 60, nano,
    offset: z.offset, abbrev: z.abbrev, weekday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 1, 1) + 1,
  };
}

/**
 * Nanoseconds of a wall-clock time in a zone, normalising overflowing fields like Go's time.Date
 * (month 13 is January of the next year, day 32 rolls into the next month).
 */
export function fromCivil(
  year: number, month: number, day: number, hour: number, minute: number, second: number, nano: number,
  zone: string | number,
): bigint {
  const m0 = month - 1;
  const y = year + Math.floor(m0 / 12);
  const m = ((m0 % 12) + 12) % 12 + 1;
  const days = daysFromCivil(y, m, 1) + day - 1;
  const local = BigInt(days) * 86400n + BigInt(hour * 3600 + minute * 60 + second);
  let offset: number;
  if (typeof zone === "number") offset = zone;
  else {
    // Two passes find the offset in force at that wall-clock time (as Go does, modulo DST gaps).
    offset = zoneOffset(zone, Number(local)).offset;
    offset = zoneOffset(zone, Number(local) - offset).offset;
  }
  return (local - BigInt(offset)) * NS_PER_SEC + BigInt(nano);
}

export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
export const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];
