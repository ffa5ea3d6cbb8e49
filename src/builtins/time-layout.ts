/**
 * Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"): the tokenizer (Go's nextStdChunk), formatting
 * a broken-down time, and parsing a value into nanoseconds with Go's error wording.
 */
import { type Civil, MONTHS, WEEKDAYS, fromCivil } from "./civil.js";

/** Named layouts OPA accepts in place of a layout string. */
export const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: "Mon Jan _2 15:04:05 2006", UnixDate: "Mon Jan _2 15:04:05 MST 2006",
  RubyDate: "Mon Jan 02 15:04:05 -0700 2006", RFC822: "02 Jan 06 15:04 MST", RFC822Z: "02 Jan 06 15:04 -0700",
  RFC850: "Monday, 02-Jan-06 15:04:05 MST", RFC1123: "Mon, 02 Jan 2006 15:04:05 MST",
  RFC1123Z: "Mon, 02 Jan 2006 15:04:05 -0700", RFC3339: "2006-01-02T15:04:05Z07:00",
  RFC3339Nano: "2006-01-02T15:04:05.999999999Z07:00", Kitchen: "3:04PM", Stamp: "Jan _2 15:04:05",
  StampMilli: "Jan _2 15:04:05.000", StampMicro: "Jan _2 15:04:05.000000", StampNano: "Jan _2 15:04:05.000000000",
  DateTime: "2006-01-02 15:04:05", DateOnly: "2006-01-02", TimeOnly: "15:04:05",
};

type Std = { lit: string } | { std: string; digits?: number; nines?: boolean; sep?: string };

const STD_PREFIXES: Array<[string, string]> = [
  ["January", "LongMonth"], ["Jan", "Month"], ["Monday", "LongWeekDay"], ["Mon", "WeekDay"], ["MST", "TZ"],
  ["2006", "LongYear"], ["002", "ZeroYearDay"], ["01", "ZeroMonth"], ["02", "ZeroDay"], ["03", "ZeroHour12"],
  ["04", "ZeroMinute"], ["05", "ZeroSecond"], ["06", "Year"], ["15", "Hour"], ["1", "NumMonth"], ["2", "Day"],
  ["__2", "UnderYearDay"], ["_2", "UnderDay"], ["3", "Hour12"], ["4", "Minute"], ["5", "Second"], ["PM", "PM"],
  ["pm", "pm"], ["-07:00:00", "NumColonSecondsTZ"], ["-070000", "NumSecondsTz"], ["-07:00", "NumColonTZ"],
  ["-0700", "NumTZ"], ["-07", "NumShortTZ"], ["Z07:00:00", "ISO8601ColonSecondsTZ"], ["Z070000", "ISO8601SecondsTZ"],
  ["Z07:00", "ISO8601ColonTZ"], ["Z0700", "ISO8601TZ"], ["Z07", "ISO8601ShortTZ"],
];

const tokenCache = new Map<string, Std[]>();

/** Splits a layout into literals and standard elements, as Go's nextStdChunk does (cached per layout). */
export function tokenize(layout: string): Std[] {
  const hit = tokenCache.get(layout);
  if (hit) return hit;
  const toks = tokenizeUncached(layout);
  if (tokenCache.size >= 64) tokenCache.delete(tokenCache.keys().next().value!);
  tokenCache.set(layout, toks);
  return toks;
}

function tokenizeUncached(layout: string): Std[] {
  const out: Std[] = [];
  let lit = "";
  let i = 0;
  outer: while (i < layout.length) {
    const rest = layout.slice(i);
    const c = layout[i]!;
    if ((c === "." || c === ",") && (rest[1] === "0" || rest[1] === "9")) {
      const d = rest[1]!;
      let j = 1;
      while (rest[j] === d) j++;
      // A fractional second only if not followed by another digit.
      if (!/[0-9]/.test(rest[j] ?? "")) {
        if (lit) { out.push({ lit }); lit = ""; }
        out.push({ std: "Frac", digits: j - 1, nines: d === "9", sep: c });
        i += j;
        continue;
      }
    }
    for (const [p, std] of STD_PREFIXES) {
      if (rest.startsWith(p)) {
        if (std === "UnderDay" && rest.startsWith("_2006")) break; // "_2006" is "_" then a year
        if (lit) { out.push({ lit }); lit = ""; }
        out.push({ std });
        i += p.length;
        continue outer;
      }
    }
    lit += c;
    i++;
  }
  if (lit) out.push({ lit });
  return out;
}

const pad = (n: number, w: number): string => String(Math.abs(n)).padStart(w, "0");

function tzString(offset: number, std: string): string {
  if (std.startsWith("ISO") && offset === 0) return "Z";
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset);
  const h = pad(Math.floor(a / 3600), 2), m = pad(Math.floor((a % 3600) / 60), 2), s = pad(a % 60, 2);
  if (std.endsWith("ShortTZ")) return sign + h;
  if (std.endsWith("ColonSecondsTZ")) return `${sign}${h}:${m}:${s}`;
  if (std.endsWith("SecondsTz") || std.endsWith("SecondsTZ")) return sign + h + m + s;
  if (std.endsWith("ColonTZ")) return `${sign}${h}:${m}`;
  return sign + h + m;
}

/** Go's Time.Format. */
export function formatTime(t: Civil, layout: string): string {
  let out = "";
  for (const tok of tokenize(layout)) {
    if ("lit" in tok) { out += tok.lit; continue; }
    const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
    switch (tok.std) {
      case "LongMonth": out += MONTHS[t.month - 1]; break;
      case "Month": out += MONTHS[t.month - 1]!.slice(0, 3); break;
      case "NumMonth": out += t.month; break;
      case "ZeroMonth": out += pad(t.month, 2); break;
      case "LongWeekDay": out += WEEKDAYS[t.weekday]; break;
      case "WeekDay": out += WEEKDAYS[t.weekday]!.slice(0, 3); break;
      case "LongYear": out += t.year < 0 ? "-" + pad(t.year, 4) : pad(t.year, 4); break;
      case "Year": out += pad(((t.year % 100) + 100) % 100, 2); break;
      case "Day": out += t.day; break;
      case "ZeroDay": out += pad(t.day, 2); break;
      case "UnderDay": out += t.day < 10 ? " " + t.day : String(t.day); break;
      case "ZeroYearDay": out += pad(t.yday, 3); break;
      case "UnderYearDay": out += String(t.yday).padStart(3, " "); break;
      case "Hour": out += pad(t.hour, 2); break;
      case "Hour12": out += h12; break;
      case "ZeroHour12": out += pad(h12, 2); break;
      case "Minute": out += t.minute; break;
      case "ZeroMinute": out += pad(t.minute, 2); break;
      case "Second": out += t.second; break;
      case "ZeroSecond": out += pad(t.second, 2); break;
      case "PM": out += t.hour >= 12 ? "PM" : "AM"; break;
      case "pm": out += t.hour >= 12 ? "pm" : "am"; break;
      case "TZ": out += t.abbrev || tzString(t.offset, "NumTZ"); break;
      case "Frac": {
        let f = pad(t.nano, 9).slice(0, tok.digits);
        if (tok.nines) {
          f = f.replace(/0+$/, "");
          if (f) out += tok.sep + f;
        } else out += tok.sep + f;
        break;
      }
      default: out += tzString(t.offset, tok.std);
    }
  }
  return out;
}

export class LayoutParseError extends Error {}

/** Go's time.Parse: the nanoseconds since the epoch of `value` read with `layout` (UTC unless it gives an offset). */
export function parseTime(layout: string, value: string, defaultZone = ""): bigint {
  const quote = (s: string) => JSON.stringify(s);
  const fail = (rest: string, elem: string, extra = ""): never => {
    throw new LayoutParseError(`parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(rest)} as ${quote(elem)}${extra}`);
  };
  let year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, nano = 0, yday = -1;
  let pm: boolean | undefined;
  let offset: number | undefined;
  let v = value;
  const num = (min: number, max: number, elem: string, allowSpace = false): number => {
    const start = allowSpace && v.startsWith(" ") ? 1 : 0;
    let end = start;
    while (end - start < max && end < v.length && v.charCodeAt(end) >= 48 && v.charCodeAt(end) <= 57) end++;
    if (end - start < min) fail(v, elem);
    const n = Number(v.slice(start, end));
    v = v.slice(end);
    return n;
  };
  const toks = tokenize(layout);
  for (let ti = 0; ti < toks.length; ti++) {
    const tok = toks[ti]!;
    if ("lit" in tok) {
      if (!v.startsWith(tok.lit)) fail(v, tok.lit);
      v = v.slice(tok.lit.length);
      continue;
    }
    const elem = tok.std === "Frac" ? layoutElem(tok) : STD_TEXT.get(tok.std) ?? tok.std;
    switch (tok.std) {
      case "LongYear": {
        const m = /^-?[0-9]{4}/.exec(v);
        if (!m) fail(v, elem);
        year = Number(m![0]);
        v = v.slice(m![0].length);
        break;
      }
      case "Year": { const y = num(2, 2, elem); year = y >= 69 ? 1900 + y : 2000 + y; break; }
      case "LongMonth": case "Month": {
        const idx = MONTHS.findIndex((n) => {
          const name = tok.std === "Month" ? n.slice(0, 3) : n;
          return v.slice(0, name.length).toLowerCase() === name.toLowerCase();
        });
        if (idx < 0) fail(v, elem);
        v = v.slice(tok.std === "Month" ? 3 : MONTHS[idx]!.length);
        month = idx + 1;
        break;
      }
      case "LongWeekDay": case "WeekDay": {
        const idx = WEEKDAYS.findIndex((n) => {
          const name = tok.std === "WeekDay" ? n.slice(0, 3) : n;
          return v.slice(0, name.length).toLowerCase() === name.toLowerCase();
        });
        if (idx < 0) fail(v, elem);
        v = v.slice(tok.std === "WeekDay" ? 3 : WEEKDAYS[idx]!.length);
        break;
      }
      case "NumMonth": case "ZeroMonth":
        month = num(tok.std === "ZeroMonth" ? 2 : 1, 2, elem);
        if (month < 1 || month > 12) throw new LayoutParseError(`parsing time ${quote(value)}: month out of range`);
        break;
      case "Day": case "ZeroDay": case "UnderDay":
        day = num(tok.std === "ZeroDay" ? 2 : 1, 2, elem, tok.std === "UnderDay");
        break;
      case "ZeroYearDay": case "UnderYearDay": yday = num(tok.std === "ZeroYearDay" ? 3 : 1, 3, elem, true); break;
      case "Hour": hour = num(2, 2, elem); if (hour > 23) throw new LayoutParseError(`parsing time ${quote(value)}: hour out of range`); break;
      case "Hour12": case "ZeroHour12":
        hour = num(tok.std === "ZeroHour12" ? 2 : 1, 2, elem);
        if (hour > 12) throw new LayoutParseError(`parsing time ${quote(value)}: hour out of range`);
        break;
      case "Minute": case "ZeroMinute":
        minute = num(tok.std === "ZeroMinute" ? 2 : 1, 2, elem);
        if (minute > 59) throw new LayoutParseError(`parsing time ${quote(value)}: minute out of range`);
        break;
      case "Second": case "ZeroSecond": {
        second = num(tok.std === "ZeroSecond" ? 2 : 1, 2, elem);
        if (second > 59) throw new LayoutParseError(`parsing time ${quote(value)}: second out of range`);
        // Go accepts a fractional second here even when the layout has none, unless the layout's next
        // element is itself a fractional second.
        const next = toks[ti + 1];
        const m = /^[.,]([0-9]+)/.exec(v);
        if (m && !(next && "std" in next && next.std === "Frac")) {
          nano = Number(m[1]!.slice(0, 9).padEnd(9, "0"));
          v = v.slice(m[0].length);
        }
        break;
      }
      case "Frac": {
        const m = /^[.,]([0-9]+)/.exec(v);
        if (tok.nines) {
          if (m) { nano = Number(m[1]!.slice(0, 9).padEnd(9, "0")); v = v.slice(m[0].length); }
        } else {
          if (!m || m[1]!.length < tok.digits!) fail(v, elem);
          nano = Number(m![1]!.slice(0, tok.digits).padEnd(9, "0"));
          v = v.slice(1 + tok.digits!);
        }
        break;
      }
      case "PM": case "pm": {
        const s = v.slice(0, 2).toUpperCase();
        if (s !== "AM" && s !== "PM") fail(v, elem);
        pm = s === "PM";
        v = v.slice(2);
        break;
      }
      case "TZ": {
        if (v.startsWith("UTC")) { offset = 0; v = v.slice(3); break; }
        const m = /^(GMT)?([+-][0-9]{1,2})?|^[A-Z]{3,5}T?/.exec(v);
        if (!m || m[0].length < 3) fail(v, elem);
        offset = m![2] ? Number(m![2]) * 3600 : 0;
        v = v.slice(m![0].length);
        break;
      }
      default: {
        if (tok.std.startsWith("ISO") && v.startsWith("Z")) { offset = 0; v = v.slice(1); break; }
        const re = tok.std.endsWith("ShortTZ") ? /^([+-])([0-9]{2})/
          : tok.std.endsWith("ColonSecondsTZ") ? /^([+-])([0-9]{2}):([0-9]{2}):([0-9]{2})/
          : /SecondsT[zZ]$/.test(tok.std) ? /^([+-])([0-9]{2})([0-9]{2})([0-9]{2})/
          : tok.std.endsWith("ColonTZ") ? /^([+-])([0-9]{2}):([0-9]{2})/
          : /^([+-])([0-9]{2})([0-9]{2})/;
        const m = re.exec(v);
        if (!m) fail(v, elem);
        const secs = Number(m![2]) * 3600 + Number(m![3] ?? 0) * 60 + Number(m![4] ?? 0);
        offset = m![1] === "-" ? -secs : secs;
        v = v.slice(m![0].length);
      }
    }
  }
  if (v.length > 0) throw new LayoutParseError(`parsing time ${quote(value)}: extra text: ${quote(v)}`);
  if (pm !== undefined) {
    if (pm && hour < 12) hour += 12;
    else if (!pm && hour === 12) hour = 0;
  }
  if (yday >= 0) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    if (yday < 1 || yday > (leap ? 366 : 365)) throw new LayoutParseError(`parsing time ${quote(value)}: day-of-year out of range`);
    // fromCivil normalises day N of January into the right month.
    return fromCivil(year, 1, yday, hour, minute, second, nano, offset ?? defaultZone);
  }
  const dim = [31, ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (day < 1 || day > dim[month - 1]!) throw new LayoutParseError(`parsing time ${quote(value)}: day out of range`);
  return fromCivil(year, month, day, hour, minute, second, nano, offset ?? defaultZone);
}

const STD_TEXT = new Map(STD_PREFIXES.map(([text, std]) => [std, text]));

function layoutElem(tok: Std): string {
  if ("lit" in tok) return tok.lit;
  if (tok.std === "Frac") return tok.sep + (tok.nines ? "9" : "0").repeat(tok.digits!);
  return STD_PREFIXES.find(([, s]) => s === tok.std)?.[0] ?? tok.std;
}
