/**
 * Summarizes a V8 .cpuprofile: self time by category (inside wasm, SDK JSON transfer, host built-ins,
 * gRPC/HTTP2 transport, logging, GC...) and the top functions, for bench/profile.ts and profile-sidecar.ts.
 */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  /** Monotonic clock, µs: the same clock as process.hrtime, so a window can be cut from another process. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  categories: [string, number][];
  top: [string, number][];
}

export function category(f: { functionName: string; url: string }): string {
  const where = `${f.url} ${f.functionName}`;
  if (f.url.startsWith("wasm://")) return "inside wasm (policy + runtime)";
  if (f.functionName === "(garbage collector)") return "garbage collection";
  if (f.functionName === "(idle)") return "idle";
  if (/src\/builtins\/|re2/.test(f.url) || /^opa_builtin/.test(f.functionName)) return "host built-ins (JS)";
  if (/opa-wasm|_dumpJSON|_loadJSON/.test(where) || /node:internal\/encoding/.test(f.url)) return "SDK JSON transfer (stringify, encode, dump, parse)";
  if (/@grpc|protobufjs|http2|node:net|stream|node:internal\/(http2|stream|net)/.test(f.url)) return "gRPC / HTTP/2 / protobuf transport";
  if (/pino|sonic-boom|thread-stream|src\/authz\/log/.test(f.url)) return "decision log";
  if (/src\/identity|jose/.test(f.url)) return "identity (JWT)";
  if (/src\/authz|src\/budget/.test(f.url)) return "sidecar code (input, decision, budget)";
  if (f.functionName === "(program)") return "VM (program)";
  if (f.url === "") return "V8 natives (no source)";
  return "other JS";
}

/** `window` (monotonic µs) keeps only the samples taken inside it, e.g. while the load ran. */
export function summarizeProfile(p: CpuProfile, topN = 15, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  const cats = new Map<string, number>();
  let total = 0;
  let at = p.startTime;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    at += dt;
    // The first delta runs from the start of profiling to the first sample.
    if (i === 0) return;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const c = category(f);
    cats.set(c, (cats.get(c) ?? 0) + dt);
    total += dt;
  });
  const share = (m: Map<string, number>, n: number): [string, number][] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => [k, Math.round((t / Math.max(1, total)) * 1000) / 10]);
  return { totalMs: total / 1000, categories: share(cats, 20), top: share(self, topN) };
}

export function formatSummary(s: ProfileSummary): string {
  const line = ([k, v]: [string, number]): string => `${v.toFixed(1).padStart(5)}%  ${k}`;
  return ["by category:", ...s.categories.map(line), "", "top functions (self time):", ...s.top.map(line)].join("\n");
}
