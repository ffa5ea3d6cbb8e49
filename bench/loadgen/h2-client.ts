/**
 * A raw node:http2 gRPC load generator, run as its own process: one HTTP/2 connection, N streams in
 * flight, each request timed from send to trailers. Lighter than a grpc-js client, so latencies are the server's.
 * Usage: h2-client.ts --port P --body-file F --concurrency C --requests N --max-ms T [--warmup W] [--rate R]
 * With --rate, requests are sent open-loop at R per second whatever the answers (a stalled server still
 * receives its load); each latency runs from the actual send, so the client's own timer lag is left out.
 * Prints one JSON line: { requests, ok, allowed, denied, errors, duration_s, rps, mean_us, p50_us, p99_us, p999_us }.
 */
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { summarize } from "../lib/measure.js";
import { CHECK_PATH, loadAuthProto, parseCheckResponse } from "../lib/proto.js";

interface Opts {
  port: number;
  bodyFile: string;
  concurrency: number;
  requests: number;
  maxMs: number;
  warmup: number;
  rate: number;
}

function parse(argv: string[]): Opts {
  const get = (flag: string, dflt?: string): string => {
    const i = argv.indexOf(flag);
    const v = i >= 0 ? argv[i + 1] : dflt;
    if (v === undefined) throw new Error(`h2-client: ${flag} is required`);
    return v;
  };
  const int = (flag: string, dflt?: string): number => {
    const n = Number(get(flag, dflt));
    if (!Number.isInteger(n) || n < 0) throw new Error(`h2-client: ${flag} must be a non-negative integer`);
    return n;
  };
  return { port: int("--port"), bodyFile: get("--body-file"), concurrency: Math.max(1, int("--concurrency", "1")), requests: int("--requests", "1000"), maxMs: int("--max-ms", "30000"), warmup: int("--warmup", "200"), rate: int("--rate", "0") };
}

const def = loadAuthProto();

interface Outcome {
  ns: number;
  grpcStatus: number;
  checkCode: number | undefined;
}

function once(session: http2.ClientHttp2Session, frame: Buffer): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = session.request({ ":method": "POST", ":path": CHECK_PATH, "content-type": "application/grpc", te: "trailers" });
    const chunks: Buffer[] = [];
    let grpcStatus = -1;
    req.on("response", (headers) => {
      // A Trailers-Only response puts grpc-status in the headers.
      if (headers["grpc-status"] !== undefined) grpcStatus = Number(headers["grpc-status"]);
    });
    req.on("trailers", (trailers) => {
      if (trailers["grpc-status"] !== undefined) grpcStatus = Number(trailers["grpc-status"]);
    });
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("error", reject);
    req.on("end", () => {
      const ns = Number(process.hrtime.bigint() - t0);
      const body = Buffer.concat(chunks);
      let checkCode: number | undefined;
      if (grpcStatus === 0 && body.length >= 5) {
        const msg = body.subarray(5, 5 + body.readUInt32BE(1));
        checkCode = parseCheckResponse(def, msg).status?.code ?? 0;
      }
      resolve({ ns, grpcStatus, checkCode });
    });
    req.end(frame);
  });
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const frame = readFileSync(o.bodyFile);
  const session = http2.connect(`http://127.0.0.1:${o.port}`);
  await new Promise<void>((res, rej) => {
    session.once("connect", () => res());
    session.once("error", rej);
  });
  session.on("error", () => undefined);
  const run = async (total: number, record: boolean): Promise<{ lat: number[]; out: Outcome[]; secs: number }> => {
    const deadline = Date.now() + o.maxMs;
    const lat: number[] = [];
    const out: Outcome[] = [];
    let issued = 0;
    const t0 = process.hrtime.bigint();
    const worker = async (): Promise<void> => {
      while (issued < total && Date.now() < deadline) {
        issued++;
        const r = await once(session, frame);
        if (record) {
          lat.push(r.ns);
          out.push(r);
        }
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
    return { lat, out, secs: Number(process.hrtime.bigint() - t0) / 1e9 };
  };
  /** Open loop: request i is due at start + i/rate, sent on the first timer tick after that. */
  const runAtRate = async (total: number): Promise<{ lat: number[]; out: Outcome[]; secs: number }> => {
    const lat: number[] = [];
    const out: Outcome[] = [];
    const pending: Promise<void>[] = [];
    const start = process.hrtime.bigint();
    const stepNs = BigInt(Math.round(1e9 / o.rate));
    const deadline = Date.now() + o.maxMs;
    let sent = 0;
    while (sent < total && Date.now() < deadline) {
      const now = process.hrtime.bigint();
      while (sent < total && start + BigInt(sent) * stepNs <= now) {
        sent++;
        pending.push(
          once(session, frame).then(
            (r) => {
              lat.push(r.ns);
              out.push(r);
            },
            () => {
              out.push({ ns: 0, grpcStatus: -1, checkCode: undefined });
            },
          ),
        );
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(pending);
    return { lat, out, secs: Number(process.hrtime.bigint() - start) / 1e9 };
  };
  await run(o.warmup, false);
  const { lat, out, secs } = o.rate > 0 ? await runAtRate(o.requests) : await run(o.requests, true);
  session.close();
  const p = summarize(lat, 1e-3);
  const ok = out.filter((r) => r.grpcStatus === 0);
  const result = {
    requests: out.length,
    ok: ok.length,
    allowed: ok.filter((r) => r.checkCode === 0).length,
    denied: ok.filter((r) => r.checkCode !== 0).length,
    errors: out.length - ok.length,
    duration_s: secs,
    rps: out.length / secs,
    mean_us: p.mean,
    p50_us: p.p50,
    p99_us: p.p99,
    p999_us: p.p999,
    timed_out: out.length < o.requests,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
