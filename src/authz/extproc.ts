/**
 * Envoy External Processing (envoy.service.ext_proc.v3.ExternalProcessor/Process) for budget
 * settlement: per HTTP stream it reads the reservation header the Check added, the upstream's
 * status, and the usage in the JSON or SSE response body, then settles. It never changes the
 * response; a stream without a reservation is told to skip its body.
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { RegentError } from "../errors.js";
import { SseUsage, usageFromJson, type Usage } from "../budget/usage.js";
import { AUTHZ_LISTEN, AUTHZ_PROTO } from "./errors.js";
import { LOADER_OPTIONS, protoIncludeDirs } from "./proto.js";
import type { Settler } from "./settle.js";

const PROTO = "envoy/service/ext_proc/v3/external_processor.proto";
/** A JSON response is kept up to this size to find its usage; larger ones are charged in full. */
const MAX_JSON_BODY = 8 * 1024 * 1024;

let cached: { service: grpc.ServiceDefinition; root: grpc.GrpcObject } | undefined;

export function loadExtProcProto(): { service: grpc.ServiceDefinition; root: grpc.GrpcObject } {
  if (cached) return cached;
  try {
    const def = protoLoader.loadSync([PROTO], { ...LOADER_OPTIONS, includeDirs: protoIncludeDirs() });
    const root = grpc.loadPackageDefinition(def);
    const ctor = (root.envoy as grpc.GrpcObject & { service: { ext_proc: { v3: { ExternalProcessor: grpc.ServiceClientConstructor } } } }).service.ext_proc.v3.ExternalProcessor;
    cached = { service: ctor.service, root };
    return cached;
  } catch (err) {
    throw new RegentError(AUTHZ_PROTO, `cannot load the ext_proc protos: ${(err as Error).message}`);
  }
}

/** The ProcessingRequest fields regent reads, as proto-loader decodes them (one of them is set). */
interface ProcessingRequest {
  requestHeaders?: { headers?: HeaderMap };
  responseHeaders?: { headers?: HeaderMap; endOfStream?: boolean };
  responseBody?: { body?: Buffer; endOfStream?: boolean };
  requestBody?: object;
  requestTrailers?: object;
  responseTrailers?: object;
}

interface HeaderMap {
  headers?: { key?: string; value?: string; rawValue?: Buffer }[];
}

/** Envoy sends values in raw_value (bytes) on current versions and in value on older ones. */
export function headerValue(map: HeaderMap | undefined, name: string): string | undefined {
  for (const h of map?.headers ?? []) {
    if (h.key?.toLowerCase() !== name) continue;
    if (h.rawValue && h.rawValue.length) return h.rawValue.toString("utf8");
    return h.value ?? "";
  }
  return undefined;
}

/** One HTTP stream's settlement state. Pure but for the settle call it makes at the end. */
class StreamState {
  reservation?: string;
  status?: number;
  private sse?: SseUsage;
  private json: Buffer[] = [];
  private jsonBytes = 0;
  private tooBig = false;
  settled = false;

  constructor(private readonly header: string, private readonly settle: Settler, private readonly onError: (err: unknown) => void) {}

  onRequestHeaders(h: HeaderMap | undefined): void {
    this.reservation = headerValue(h, this.header);
  }

  /** True when the body still matters for settlement. */
  onResponseHeaders(h: HeaderMap | undefined, endOfStream: boolean): boolean {
    const s = Number(headerValue(h, ":status"));
    if (Number.isInteger(s)) this.status = s;
    if (!this.reservation) return false;
    if ((this.status !== undefined && this.status >= 400) || endOfStream) {
      this.finish(undefined);
      return false;
    }
    if ((headerValue(h, "content-type") ?? "").toLowerCase().includes("text/event-stream")) this.sse = new SseUsage();
    return true;
  }

  onResponseBody(body: Buffer | undefined, endOfStream: boolean): void {
    if (!this.reservation || this.settled) return;
    if (body?.length) {
      if (this.sse) this.sse.push(body);
      else if (!this.tooBig) {
        this.jsonBytes += body.length;
        if (this.jsonBytes > MAX_JSON_BODY) {
          this.tooBig = true;
          this.json = [];
        } else this.json.push(body);
      }
    }
    if (endOfStream) this.finish(this.sse ? this.sse.end() : this.tooBig ? undefined : usageFromJson(Buffer.concat(this.json).toString("utf8")));
  }

  private finish(usage: Usage | undefined): void {
    if (this.settled || !this.reservation) return;
    this.settled = true;
    this.json = [];
    this.settle({ reservation: this.reservation, status: this.status, usage }).catch(this.onError);
  }
}

export interface ExtProcOptions {
  addr: string;
  reservationHeader: string;
  settle: Settler;
  onError: (err: unknown) => void;
}

export class ExtProcServer {
  private readonly server = new grpc.Server({ "grpc.max_receive_message_length": 16 * 1024 * 1024 });

  constructor(private readonly opts: ExtProcOptions) {
    this.server.addService(loadExtProcProto().service, { Process: this.process });
  }

  start(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(this.opts.addr, grpc.ServerCredentials.createInsecure(), (err, port) => {
        if (err) return reject(new RegentError(AUTHZ_LISTEN, `cannot listen on ${this.opts.addr} (ext_proc): ${err.message}`));
        resolve(this.opts.addr.startsWith("unix:") ? this.opts.addr : this.opts.addr.replace(/:\d+$/, `:${port}`));
      });
    });
  }

  shutdown(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => (this.server.forceShutdown(), resolve()), graceMs);
      t.unref();
      this.server.tryShutdown(() => (clearTimeout(t), resolve()));
    });
  }

  private readonly process = (call: grpc.ServerDuplexStream<ProcessingRequest, Record<string, unknown>>): void => {
    const state = new StreamState(this.opts.reservationHeader, this.opts.settle, this.opts.onError);
    call.on("data", (m: ProcessingRequest) => {
      try {
        call.write(this.answer(state, m));
      } catch (err) {
        this.opts.onError(err);
        call.destroy(err as Error);
      }
    });
    call.on("end", () => call.end());
    call.on("error", () => undefined); // Envoy cancelling a stream is normal; nothing to report
  };

  private answer(state: StreamState, m: ProcessingRequest): Record<string, unknown> {
    if (m.requestHeaders) {
      state.onRequestHeaders(m.requestHeaders.headers);
      // The upstream has no use for the reservation id; only regent reads it.
      const mutation = state.reservation ? { response: { headerMutation: { removeHeaders: [this.opts.reservationHeader] } } } : {};
      return { requestHeaders: mutation };
    }
    if (m.responseHeaders) {
      const wantBody = state.onResponseHeaders(m.responseHeaders.headers, m.responseHeaders.endOfStream === true);
      // Honoured when the filter sets allow_mode_override: no body round trips for streams with nothing to settle.
      return wantBody ? { responseHeaders: {} } : { responseHeaders: {}, modeOverride: { responseBodyMode: "NONE" } };
    }
    if (m.responseBody) {
      state.onResponseBody(m.responseBody.body, m.responseBody.endOfStream === true);
      return { responseBody: {} };
    }
    if (m.requestBody) return { requestBody: {} };
    if (m.requestTrailers) return { requestTrailers: {} };
    if (m.responseTrailers) {
      state.onResponseBody(undefined, true);
      return { responseTrailers: {} };
    }
    throw new Error("ProcessingRequest without a known message");
  }
}
