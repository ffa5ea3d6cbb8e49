/**
 * Loads Envoy's ext_authz v3 protos from @grpc/grpc-js-xds's deps/ (never hand copies) and
 * regent's own grpc.health.v1 proto from proto/, once per process.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { RegentError } from "../errors.js";
import { AUTHZ_PROTO } from "./errors.js";

export interface Protos {
  authorization: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
  /** The package tree, so tests and tools can build clients from the same definitions. */
  root: grpc.GrpcObject;
}

/** camelCase fields (protojson names), int64 as strings, enums by name, bytes as Buffers. */
export const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: String, enums: String, defaults: false, oneofs: false };

let cached: Protos | undefined;

export function protoIncludeDirs(): string[] {
  const require = createRequire(import.meta.url);
  let deps: string;
  try {
    deps = join(dirname(require.resolve("@grpc/grpc-js-xds/package.json")), "deps");
  } catch {
    throw new RegentError(AUTHZ_PROTO, "cannot find @grpc/grpc-js-xds; run npm ci");
  }
  return [join(deps, "envoy-api"), join(deps, "googleapis"), join(deps, "protoc-gen-validate"), join(deps, "xds"), regentProtoDir()];
}

export function regentProtoDir(): string {
  // src/authz and dist/authz both sit two levels under the package root.
  const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "proto");
  if (!existsSync(dir)) throw new RegentError(AUTHZ_PROTO, `regent's proto folder is missing: ${dir}`);
  return dir;
}

export function loadProtos(): Protos {
  if (cached) return cached;
  let def: protoLoader.PackageDefinition;
  try {
    def = protoLoader.loadSync(["envoy/service/auth/v3/external_auth.proto", "grpc/health/v1/health.proto"], {
      ...LOADER_OPTIONS,
      includeDirs: protoIncludeDirs(),
    });
  } catch (err) {
    throw new RegentError(AUTHZ_PROTO, `cannot load the ext_authz protos: ${(err as Error).message}`);
  }
  const root = grpc.loadPackageDefinition(def);
  const pick = (path: string): grpc.ServiceDefinition => {
    let node: unknown = root;
    for (const p of path.split(".")) node = (node as Record<string, unknown>)[p];
    return (node as grpc.ServiceClientConstructor).service;
  };
  cached = { authorization: pick("envoy.service.auth.v3.Authorization"), health: pick("grpc.health.v1.Health"), root };
  return cached;
}
