/** Decision → CheckResponse, as opa-envoy-plugin maps it, plus regent's budget fields; bad decisions deny. */
import { describe, expect, it } from "vitest";
import { loadProtos } from "../../src/authz/proto.js";
import { mapDecision } from "../../src/authz/decision.js";

const codec = loadProtos().authorization.Check!;
/** Every response must survive the real encoder. */
const wire = (res: unknown): any => codec.responseDeserialize(codec.responseSerialize(res));

describe("mapDecision", () => {
  it("maps booleans", () => {
    expect(wire(mapDecision(true, 403).response)).toEqual({ status: { code: 0 }, okResponse: {} });
    const d = mapDecision(false, 403);
    expect(d.allowed).toBe(false);
    expect(wire(d.response)).toMatchObject({ status: { code: 7 }, deniedResponse: { status: { code: "Forbidden" } } });
  });

  it("maps an allow object to ok_response", () => {
    const o = mapDecision(
      {
        allowed: true,
        headers: { "x-regent-subject": "alice", "x-multi": ["a", "b"] },
        response_headers_to_add: { "x-regent-decision": "allow" },
        request_headers_to_remove: ["authorization"],
        query_parameters_to_set: { a: "b" },
        query_parameters_to_remove: ["debug"],
        dynamic_metadata: { tenant: "acme", n: 2, nested: { ok: true, list: [1, "x", null] } },
        reserve_tokens: 512,
        reason: "ok",
      },
      403,
    );
    expect(o).toMatchObject({ allowed: true, reserveTokens: 512, reason: "ok" });
    const r = wire(o.response);
    expect(r.status.code).toBe(0);
    expect(r.okResponse.headers).toEqual([
      { header: { key: "x-regent-subject", value: "alice" }, appendAction: "OVERWRITE_IF_EXISTS_OR_ADD" },
      { header: { key: "x-multi", value: "a" }, appendAction: "OVERWRITE_IF_EXISTS_OR_ADD" },
      { header: { key: "x-multi", value: "b" }, appendAction: "APPEND_IF_EXISTS_OR_ADD" },
    ]);
    expect(r.okResponse.headersToRemove).toEqual(["authorization"]);
    expect(r.okResponse.responseHeadersToAdd[0].header).toEqual({ key: "x-regent-decision", value: "allow" });
    expect(r.okResponse.queryParametersToSet).toEqual([{ key: "a", value: "b" }]);
    expect(r.okResponse.queryParametersToRemove).toEqual(["debug"]);
    expect(r.dynamicMetadata.fields.tenant).toEqual({ stringValue: "acme" });
    expect(r.dynamicMetadata.fields.nested.structValue.fields.list.listValue.values).toHaveLength(3);
    // The deepest metadata the encoder takes still encodes.
    let deep: unknown = "leaf";
    for (let i = 0; i < 31; i++) deep = [deep];
    expect(() => wire(mapDecision({ allowed: true, dynamic_metadata: { deep } }, 403).response)).not.toThrow();
  });

  it("maps a deny object to denied_response with status, body and headers", () => {
    const o = mapDecision({ allowed: false, http_status: 401, body: '{"error":"unauthenticated"}', headers: { "www-authenticate": "Bearer" }, reason: "missing_token" }, 403);
    const r = wire(o.response);
    expect(o.httpStatus).toBe(401);
    expect(r.status.code).toBe(16);
    expect(r.deniedResponse.status.code).toBe("Unauthorized"); // enum by name on the wire decode
    expect(r.deniedResponse.body).toBe('{"error":"unauthenticated"}');
    expect(r.deniedResponse.headers[0].header).toEqual({ key: "www-authenticate", value: "Bearer" });
    expect(mapDecision({ allowed: false, http_status: 409 }, 403).httpStatus).toBe(409);
    // Not in Envoy's StatusCode enum: Envoy would refuse the whole response.
    expect(mapDecision({ allowed: false, http_status: 418 }, 403)).toMatchObject({ httpStatus: 403, error: expect.stringMatching(/that Envoy accepts, got 418/) });
  });

  it("denies undefined and malformed decisions with the fail status, naming the problem", () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /undefined_decision/],
      ["yes", /boolean or an object, got string/],
      [[true], /got array/],
      [{}, /allowed must be a boolean, got undefined/],
      [{ allowed: "true" }, /allowed must be a boolean, got string/],
      [{ allowed: true, headers: { a: 1 } }, /headers\["a"\] must be a string/],
      [{ allowed: false, http_status: 9999 }, /http_status must be an HTTP status code/],
      [{ allowed: false, body: { a: 1 } }, /body must be a string/],
      [{ allowed: true, dynamic_metadata: [1] }, /dynamic_metadata must be an object/],
      [{ allowed: true, request_headers_to_remove: "x" }, /request_headers_to_remove must be a list/],
      [{ allowed: true, dynamic_metadata: { a: JSON.parse("[".repeat(40) + "]".repeat(40)) } }, /nests deeper than 32 levels/],
    ];
    for (const [decision, msg] of cases) {
      const o = mapDecision(decision, 503);
      expect(o.allowed).toBe(false);
      expect(o.httpStatus).toBe(503);
      expect(o.error).toMatch(msg);
      expect(wire(o.response).deniedResponse.status.code).toBe("ServiceUnavailable");
    }
  });

  it("reads the budget fields", () => {
    expect(mapDecision({ allowed: true, reserve_tokens: 10.2, budget_exhausted_status: 402 }, 403)).toMatchObject({ reserveTokens: 11, budgetExhaustedStatus: 402 });
    expect(mapDecision({ allowed: true, reserve_tokens: -5, budget_exhausted_status: 500 }, 403).reserveTokens).toBeUndefined();
  });
});
