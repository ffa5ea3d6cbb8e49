// time family against OPA's conformance cases (time folder) and Go's time package documentation.
import { describe, expect, it } from "vitest";
import { HostContext } from "../../src/builtins/context.js";
import { fromSdkValue } from "../../src/builtins/encode.js";
import { createHostBuiltins } from "../../src/builtins/index.js";
import { timeBuiltins } from "../../src/builtins/time.js";

const t = timeBuiltins(new HostContext({ clock: () => 1_700_000_000_123_456_789n }));
const fn = (n: string) => t[n]!;

describe("time parsing", () => {
  it("parses RFC 3339 to the full int64 range (conformance time/parse_rfc3339_nanos)", () => {
    const p = fn("time.parse_rfc3339_ns");
    expect(p("1677-09-21T00:12:43.145224192-00:00")).toBe(-9223372036854775808n);
    expect(p("1970-01-01T00:00:00-00:00")).toBe(0n);
    expect(p("2017-06-02T19:00:00-07:00")).toBe(1496455200000000000n);
    expect(p("2262-04-11T23:47:16.854775807-00:00")).toBe(9223372036854775807n);
  });
  it("refuses times outside int64 nanoseconds", () => {
    expect(() => fn("time.parse_rfc3339_ns")("1677-09-21T00:12:43.145224191-00:00")).toThrow("time outside of valid range");
    expect(() => fn("time.parse_rfc3339_ns")("2262-04-11T23:47:16.854775808-00:00")).toThrow("time outside of valid range");
  });
  it("reports Go's parse error", () => {
    expect(() => fn("time.parse_rfc3339_ns")("x")).toThrow(
      'time.parse_rfc3339_ns: parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"',
    );
  });
  it("parses Go layouts", () => {
    expect(fn("time.parse_ns")("2006-01-02", "2020-02-02")).toBe(1580601600000000000n);
    expect(fn("time.parse_ns")("RFC822Z", "02 Jan 06 15:04 -0700")).toBe(1136239440000000000n);
    expect(fn("time.parse_ns")("Jan _2 2006 3:04PM", "Feb  3 2013 10:30PM")).toBe(1359930600000000000n);
    expect(fn("time.parse_ns")("2006-01-02T15:04:05Z07:00", "2013-02-03T19:54:00.5Z")).toBe(1359921240500000000n);
    expect(() => fn("time.parse_ns")("2006-01-02", "2020-02-30")).toThrow("day out of range");
  });
  it("parses durations like Go", () => {
    const d = fn("time.parse_duration_ns");
    expect(d("100ms")).toBe(100000000n);
    expect(d("1h30m")).toBe(5400000000000n);
    expect(d("-1.5h")).toBe(-5400000000000n);
    expect(d("2µs")).toBe(2000n);
    expect(d("0")).toBe(0n);
    expect(() => d("1x")).toThrow('unknown unit "x"');
    expect(() => d("")).toThrow("invalid duration");
  });
});

describe("time fields", () => {
  it("breaks down timestamps (conformance time/date, clock, weekday)", () => {
    expect(fn("time.date")(1517814000 * 1e9)).toEqual([2018, 2, 5]);
    expect(fn("time.clock")([1517832000 * 1e9, "America/New_York"])).toEqual([7, 0, 0]);
    expect(fn("time.clock")(1582977600 * 1e9)).toEqual([12, 0, 0]);
    expect(fn("time.weekday")(1518177600000000000)).toBe("Friday");
  });
  it("refuses timestamps beyond int64", () => {
    for (const n of ["time.date", "time.weekday", "time.format"]) {
      expect(() => fn(n)(1582977600 * 1e12)).toThrow("timestamp too big");
    }
  });
  it("adds dates with Go's normalisation", () => {
    expect(fn("time.add_date")(1585852421593912000, 3, 9, 12)).toBe(1705257221593912000n);
    expect(() => fn("time.add_date")(0, 2262, 1, 1)).toThrow("time outside of valid range");
    // Jan 31 + 1 month is March 2 in a leap year (Go normalises Feb 31).
    const jan31 = 1580428800000000000; // 2020-01-31T00:00:00Z
    expect(fn("time.add_date")(jan31, 0, 1, 0)).toBe(1583107200000000000n);
  });
  it("diffs as the corpus says (time/diff)", () => {
    const p = (s: string) => fn("time.parse_ns")("2006-01-02", s);
    expect(fn("time.diff")(p("2020-02-02"), p("2020-03-01"))).toEqual([0, 0, 28, 0, 0, 0]);
    expect(fn("time.diff")(p("2021-02-02"), p("2021-03-01"))).toEqual([0, 0, 27, 0, 0, 0]);
    expect(fn("time.diff")(p("2004-02-29"), p("2005-03-01"))).toEqual([1, 0, 1, 0, 0, 0]);
    const now = 1_700_000_000_000_000_000n;
    expect(fn("time.diff")(now + 61_000_000_000n, now)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(fn("time.diff")([now + 60_000_000_000n, "UTC"], [now, "Asia/Shanghai"])).toEqual([0, 0, 0, 0, 1, 0]);
  });
  it("formats (time/format)", () => {
    const ns = 1670006453141828752n;
    expect(fn("time.format")(ns)).toBe("2022-12-02T18:40:53.141828752Z");
    expect(fn("time.format")([ns, "Asia/Kolkata"])).toBe("2022-12-03T00:10:53.141828752+05:30");
    expect(fn("time.format")([ns, "Asia/Kolkata", "Mon Jan 02 15:04:05 -0700 2006"])).toBe("Sat Dec 03 00:10:53 +0530 2022");
    expect(fn("time.format")([ns, "Asia/Kolkata", "RFC1123Z"])).toBe("Sat, 03 Dec 2022 00:10:53 +0530");
    expect(fn("time.format")([0, "UTC", "Kitchen"])).toBe("12:00AM");
    expect(() => fn("time.format")([0, "Mars/Olympus"])).toThrow("unknown time zone Mars/Olympus");
  });
});

describe("time.now_ns", () => {
  it("is one value per evaluation (time.now_ns/consistent value for same evaluation)", () => {
    let clock = 1n;
    const table = createHostBuiltins({ clock: () => clock++ });
    const now = table.functions["time.now_ns"]!;
    table.beginEvaluation();
    expect(now()).toBe(1);
    expect(now()).toBe(1);
    table.beginEvaluation();
    expect(now()).toBe(2);
  });
  it("reaches the SDK as an exact integer beyond 2^53", () => {
    const table = createHostBuiltins({ clock: () => 1_700_000_000_123_456_789n });
    const v = table.functions["time.now_ns"]!();
    expect(v).toBeInstanceOf(ArrayBuffer);
    expect(new TextDecoder().decode(v as ArrayBuffer)).toBe("1700000000123456789");
    expect(fromSdkValue(v)).toBe(1_700_000_000_123_456_789n);
  });
  it("uses the wall clock by default", () => {
    const v = fromSdkValue(createHostBuiltins().functions["time.now_ns"]!()) as bigint;
    expect(Number(v / 1_000_000n)).toBeGreaterThan(Date.now() - 5000);
    expect(Number(v / 1_000_000n)).toBeLessThan(Date.now() + 5000);
  });
});
