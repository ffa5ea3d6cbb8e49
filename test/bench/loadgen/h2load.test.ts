/** bench/loadgen/h2load.ts: reads the summary h2load 1.52 printed on this machine (fixture captured from a real run). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseH2load } from "../../../bench/loadgen/h2load.js";

const OUT = readFileSync(path.join(import.meta.dirname, "../fixtures/h2load-output.txt"), "utf8");

describe("parseH2load", () => {
  it("reads throughput, request counts and request times", () => {
    const r = parseH2load(OUT);
    expect(r.rps).toBeCloseTo(1236.16, 2);
    expect(r.seconds).toBeCloseTo(0.16179, 5);
    expect(r.succeeded).toBe(200);
    expect(r.failed).toBe(0);
    expect(r.errored).toBe(0);
    expect(r.status2xx).toBe(200);
    expect(r.mean_us).toBeCloseTo(3190, 0);
    expect(r.max_us).toBeCloseTo(26460, 0);
  });

  it("refuses output without a summary, quoting its end", () => {
    expect(() => parseH2load("connect to 127.0.0.1 port 1 failed: Connection refused\n")).toThrow(/unexpected output: connect to/);
  });
});
