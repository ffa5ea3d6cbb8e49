/**
 * The gRPC edge: serves envoy.service.auth.v3.Authorization/Check and grpc.health.v1.Health on
 * host:port or a Unix socket, plaintext, TLS or mTLS; reads the mTLS peer's SPIFFE ID from its
 * certificate's URI SAN; drains in-flight checks on shutdown.
 */
import { existsSync, lstatSync, readFileSync, rmSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { RegentError } from "../errors.js";
import { AUTHZ_LISTEN, AUTHZ_TLS } from "./errors.js";
import { loadProtos } from "./proto.js";
import { failure, type CheckResponse } from "./decision.js";
import type { CallContext } from "./check.js";

export interface TlsFiles {
  cert_file?: string;
  key_file?: string;
  client_ca_file?: string;
  require_client_cert: boolean;
}

export interface GrpcServerOptions {
  addr: string;
  tls: TlsFiles;
  check: (req: unknown, ctx?: CallContext) => Promise<CheckResponse>;
  /** Status for checks that crash inside the server (a bug): still an answer, never a hang. */
  failStatus: number;
  onError?: (err: unknown) => void;
  maxReceiveBytes?: number;
}

/** Marks a CheckRequest the codec could not decode; the Check handler refuses it with a decision. */
const UNDECODABLE = Symbol("regent.undecodable");

export function undecodableReason(req: unknown): string | undefined {
  return typeof req === "object" && req !== null && UNDECODABLE in req ? String((req as Record<symbol, unknown>)[UNDECODABLE]) : undefined;
}

const HEALTH_SERVICES = new Set(["", "envoy.service.auth.v3.Authorization"]);

export class AuthzServer {
  private readonly server: grpc.Server;
  private serving = false;
  private readonly watchers = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  inFlight = 0;

  constructor(private readonly opts: GrpcServerOptions) {
    const protos = loadProtos();
    this.server = new grpc.Server({
      "grpc.max_receive_message_length": opts.maxReceiveBytes ?? 8 * 1024 * 1024,
      "grpc.keepalive_permit_without_calls": 1,
    });
    this.server.addService(guardedSerializer(protos.authorization, opts.failStatus, opts.onError), { Check: this.handleCheck });
    this.server.addService(protos.health, { Check: this.healthCheck, Watch: this.healthWatch });
  }

  /** Binds and starts; resolves with the bound address (the real port when :0 was asked). */
  async start(): Promise<string> {
    const { addr } = this.opts;
    if (addr.startsWith("unix:")) {
      const path = addr.replace(/^unix:(\/\/)?/, "");
      // Only a stale socket from an earlier run is removed, never a file someone pointed us at.
      if (existsSync(path) && lstatSync(path).isSocket()) rmSync(path, { force: true });
    }
    const creds = serverCredentials(this.opts.tls);
    return new Promise((resolve, reject) => {
      this.server.bindAsync(addr, creds, (err, port) => {
        if (err) return reject(new RegentError(AUTHZ_LISTEN, `cannot listen on ${addr}: ${err.message}`));
        resolve(addr.startsWith("unix:") ? addr : addr.replace(/:\d+$/, `:${port}`));
      });
    });
  }

  setServing(serving: boolean): void {
    if (serving === this.serving) return;
    this.serving = serving;
    for (const w of this.watchers) w.write({ status: serving ? "SERVING" : "NOT_SERVING" });
  }

  /** Stops accepting calls, lets in-flight checks finish for up to graceMs, then cuts the rest. */
  shutdown(graceMs: number): Promise<void> {
    this.setServing(false);
    for (const w of this.watchers) w.end();
    this.watchers.clear();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      timer.unref();
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private readonly handleCheck = (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>): void => {
    this.inFlight++;
    let ctx: CallContext | undefined;
    const auth = call.getAuthContext?.();
    if (auth?.sslPeerCertificate) ctx = { peerSpiffeId: spiffeIdOf(auth.sslPeerCertificate.subjectaltname) };
    this.opts.check(call.request, ctx).then(
      (res) => {
        this.inFlight--;
        cb(null, res);
      },
      (err: unknown) => {
        this.inFlight--;
        this.opts.onError?.(err);
        cb(null, failure(`internal error: ${(err as Error)?.message ?? String(err)}`, this.opts.failStatus).response);
      },
    );
  };

  private readonly healthCheck = (call: grpc.ServerUnaryCall<{ service?: string }, unknown>, cb: grpc.sendUnaryData<unknown>): void => {
    const service = call.request.service ?? "";
    if (!HEALTH_SERVICES.has(service)) return cb({ code: grpc.status.NOT_FOUND, details: `unknown service ${service}` });
    cb(null, { status: this.serving ? "SERVING" : "NOT_SERVING" });
  };

  private readonly healthWatch = (call: grpc.ServerWritableStream<{ service?: string }, unknown>): void => {
    const service = call.request.service ?? "";
    if (!HEALTH_SERVICES.has(service)) {
      call.write({ status: "SERVICE_UNKNOWN" });
      return;
    }
    call.write({ status: this.serving ? "SERVING" : "NOT_SERVING" });
    this.watchers.add(call as grpc.ServerWritableStream<unknown, unknown>);
    call.on("cancelled", () => this.watchers.delete(call as grpc.ServerWritableStream<unknown, unknown>));
  };
}

/**
 * A response the encoder refuses would reach Envoy as INTERNAL, which Envoy's own failure mode
 * then decides; the sidecar answers its configured denial instead, and says why in the log.
 */
export function guardedSerializer(def: grpc.ServiceDefinition, failStatus: number, onError?: (err: unknown) => void): grpc.ServiceDefinition {
  const check = def.Check!;
  const serialize = check.responseSerialize;
  const deserialize = check.requestDeserialize;
  const fallback = serialize(failure("response could not be encoded", failStatus).response);
  return {
    ...def,
    Check: {
      ...check,
      // grpc-js answers INTERNAL when decoding throws; the docs promise a decision instead.
      requestDeserialize: (bytes: Buffer) => {
        try {
          return deserialize(bytes);
        } catch (err) {
          return { [UNDECODABLE]: (err as Error)?.message ?? String(err) };
        }
      },
      responseSerialize: (value: unknown) => {
        try {
          return serialize(value);
        } catch (err) {
          onError?.(err);
          return fallback;
        }
      },
    },
  };
}

function serverCredentials(tls: TlsFiles): grpc.ServerCredentials {
  if (!tls.cert_file || !tls.key_file) return grpc.ServerCredentials.createInsecure();
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new RegentError(AUTHZ_TLS, `cannot read the ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  const cert = read(tls.cert_file, "server certificate (server.tls.cert_file)");
  const key = read(tls.key_file, "server key (server.tls.key_file)");
  const ca = tls.client_ca_file ? read(tls.client_ca_file, "client CA (server.tls.client_ca_file)") : null;
  try {
    return grpc.ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], tls.require_client_cert);
  } catch (err) {
    throw new RegentError(AUTHZ_TLS, `bad TLS material: ${(err as Error).message}`);
  }
}

/** The first spiffe:// URI SAN, as Envoy would put in source.principal. */
export function spiffeIdOf(subjectAltName: string | undefined): string | undefined {
  if (!subjectAltName) return undefined;
  for (const part of subjectAltName.split(/,\s*/)) {
    if (part.startsWith("URI:spiffe://")) return part.slice(4);
  }
  return undefined;
}
