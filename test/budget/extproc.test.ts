/** ext_proc header maps: Envoy sends raw_value (bytes) on current versions and value on older ones. */
import { describe, expect, it } from "vitest";
import { headerValue, loadExtProcProto } from "../../src/authz/extproc.js";

describe("ext_proc", () => {
  it("reads header values from raw_value or value, by lowercase name", () => {
    const map = { headers: [{ key: ":status", rawValue: Buffer.from("200") }, { key: "X-Regent-Reservation", value: "a.YQ" }, { key: "empty", rawValue: Buffer.alloc(0), value: "" }] };
    expect(headerValue(map, ":status")).toBe("200");
    expect(headerValue(map, "x-regent-reservation")).toBe("a.YQ");
    expect(headerValue(map, "empty")).toBe("");
    expect(headerValue(map, "missing")).toBeUndefined();
    expect(headerValue(undefined, ":status")).toBeUndefined();
  });

  it("loads Envoy's ExternalProcessor service from @grpc/grpc-js-xds", () => {
    expect(Object.keys(loadExtProcProto().service)).toEqual(["Process"]);
  });
});
