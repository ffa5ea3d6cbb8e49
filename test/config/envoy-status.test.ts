/** ENVOY_STATUS_CODES is exactly envoy.type.v3.StatusCode as shipped in @grpc/grpc-js-xds, minus Empty (0). */
import { describe, expect, it } from "vitest";
import * as protoLoader from "@grpc/proto-loader";
import { ENVOY_STATUS_CODES } from "../../src/config/envoy-status.js";
import { LOADER_OPTIONS, protoIncludeDirs } from "../../src/authz/proto.js";

describe("ENVOY_STATUS_CODES", () => {
  it("matches the proto enum", () => {
    const def = protoLoader.loadSync(["envoy/type/v3/http_status.proto"], { ...LOADER_OPTIONS, includeDirs: protoIncludeDirs() });
    const e = def["envoy.type.v3.StatusCode"] as unknown as { type: { value: { number: number }[] } };
    const fromProto = e.type.value.map((v) => v.number).filter((n) => n !== 0).sort((a, b) => a - b);
    expect([...ENVOY_STATUS_CODES].sort((a, b) => a - b)).toEqual(fromProto);
  });
});
