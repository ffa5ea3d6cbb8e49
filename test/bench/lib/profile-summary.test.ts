/** bench/lib/profile-summary.ts: categories of self time, the skipped first delta, and the time window. */
import { describe, expect, it } from "vitest";
import { category, summarizeProfile, type CpuProfile } from "../../../bench/lib/profile-summary.js";

const frame = (functionName: string, url: string): { functionName: string; url: string; lineNumber: number } => ({ functionName, url, lineNumber: 0 });

const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)", "") },
    { id: 2, callFrame: frame("wasm-function[3]", "wasm://wasm/0001") },
    { id: 3, callFrame: frame("evaluate", "file:///x/node_modules/@open-policy-agent/opa-wasm/src/opa.js") },
    { id: 4, callFrame: frame("respond", "node:internal/http2/core") },
  ],
  startTime: 1_000,
  samples: [1, 2, 2, 3, 4],
  timeDeltas: [500, 100, 100, 100, 100],
};

describe("category", () => {
  it("sorts frames into the stages a decision goes through", () => {
    expect(category(frame("wasm-function[1]", "wasm://wasm/abc"))).toMatch(/inside wasm/);
    expect(category(frame("_dumpJSONRaw", "file:///n/@open-policy-agent/opa-wasm/src/opa.js"))).toMatch(/SDK JSON/);
    expect(category(frame("regexMatch", "file:///r/src/builtins/regex.ts"))).toMatch(/host built-ins/);
    expect(category(frame("buildInput", "file:///r/src/authz/input.ts"))).toMatch(/sidecar code/);
    expect(category(frame("write", "file:///r/node_modules/pino/lib/proto.js"))).toMatch(/decision log/);
    expect(category(frame("(garbage collector)", ""))).toBe("garbage collection");
  });
});

describe("summarizeProfile", () => {
  it("drops the first delta (time before the first sample) and shares the rest", () => {
    const s = summarizeProfile(PROFILE);
    expect(s.totalMs).toBeCloseTo(0.4);
    expect(Object.fromEntries(s.categories)).toMatchObject({ "inside wasm (policy + runtime)": 50, "gRPC / HTTP/2 / protobuf transport": 25 });
  });

  it("keeps only the samples inside a monotonic-time window", () => {
    // Sample times: 1500 (dropped), 1600, 1700, 1800, 1900.
    const s = summarizeProfile(PROFILE, 5, { fromUs: 1_750, toUs: 1_950 });
    expect(s.totalMs).toBeCloseTo(0.2);
    expect(s.categories.map(([k]) => k).sort()).toEqual(["SDK JSON transfer (stringify, encode, dump, parse)", "gRPC / HTTP/2 / protobuf transport"]);
  });
});
