/** Decision log helpers: the trace id from traceparent / x-request-id / b3, and header masking. */
import { describe, expect, it } from "vitest";
import pino from "pino";
import { DecisionLog, traceId } from "../../src/authz/log.js";

describe("traceId", () => {
  it("prefers the W3C trace id, then Envoy's request id, then b3", () => {
    expect(traceId({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "x-request-id": "r" })).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(traceId({ traceparent: "garbage", "x-request-id": "r-1" })).toBe("r-1");
    expect(traceId({ "x-b3-traceid": "b3" })).toBe("b3");
    expect(traceId({})).toBeUndefined();
  });
});

describe("DecisionLog.maskHeaders", () => {
  it("masks the configured headers only", () => {
    const log = new DecisionLog(pino({ level: "silent" }), { enabled: true, level: "info", redactHeaders: ["Authorization", "cookie"], mask: "<hidden>", includeHeaders: true });
    expect(log.maskHeaders({ authorization: "Bearer x", cookie: "a=b", "x-ok": "1" })).toEqual({ authorization: "<hidden>", cookie: "<hidden>", "x-ok": "1" });
  });
});
