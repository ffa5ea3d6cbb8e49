/**
 * Loads Envoy's ext_authz protos from @grpc/grpc-js-xds's deps (never hand copies) and serializes
 * CheckRequests / parses CheckResponses for the load generators and the no-op server.
 */
import { createRequire } from "node:module";
import path from "node:path";
import * as protoLoader from "@grpc/proto-loader";

const require = createRequire(import.meta.url);
const DEPS = path.join(path.dirname(require.resolve("@grpc/grpc-js-xds/package.json")), "deps");

export const AUTH_SERVICE = "envoy.service.auth.v3.Authorization";
export const CHECK_PATH = `/${AUTH_SERVICE}/Check`;

export function loadAuthProto(): protoLoader.PackageDefinition {
  return protoLoader.loadSync("envoy/service/auth/v3/external_auth.proto", {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
    includeDirs: ["envoy-api", "xds", "googleapis", "protoc-gen-validate"].map((d) => path.join(DEPS, d)),
  });
}

function checkMethod(def: protoLoader.PackageDefinition): protoLoader.MethodDefinition<object, object> {
  const svc = def[AUTH_SERVICE] as protoLoader.ServiceDefinition | undefined;
  const m = svc?.["Check"];
  if (!m) throw new Error(`${AUTH_SERVICE}/Check not found in the envoy protos`);
  return m as protoLoader.MethodDefinition<object, object>;
}

export function serializeCheckRequest(def: protoLoader.PackageDefinition, req: object): Buffer {
  return checkMethod(def).requestSerialize(req);
}

export function parseCheckResponse(def: protoLoader.PackageDefinition, bytes: Buffer): { status?: { code?: number } } {
  return checkMethod(def).responseDeserialize(bytes) as { status?: { code?: number } };
}

/** gRPC length-prefixed message framing: 1 byte "compressed" flag, 4 bytes big-endian length. */
export function grpcFrame(message: Buffer): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt8(0, 0);
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}
