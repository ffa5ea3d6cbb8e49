/**
 * CheckRequest → input, checked against opa-envoy-plugin's mapping: protojson attribute names,
 * parsed_path / parsed_query / parsed_body / truncated_body / version, and tolerance of junk.
 * Requests go through the real proto codec first, exactly as the server receives them.
 */
import { describe, expect, it } from "vitest";
import { loadProtos } from "../../src/authz/proto.js";
import { buildInput, parsePath, parseQuery } from "../../src/authz/input.js";

const codec = loadProtos().authorization.Check!;
const wire = (req: unknown): unknown => codec.requestDeserialize(codec.requestSerialize(req));

function request(http: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return wire({
    attributes: {
      source: { address: { socketAddress: { address: "10.0.0.1", portValue: 4711 } }, principal: "spiffe://cluster.local/ns/app/sa/frontend" },
      destination: { principal: "spiffe://cluster.local/ns/ai/sa/gateway" },
      request: { time: { seconds: "1764093600", nanos: 500000000 }, http: { id: "42", method: "POST", host: "ai.example.com", scheme: "https", protocol: "HTTP/1.1", ...http } },
      contextExtensions: { "com.example.route": "chat" },
      metadataContext: { filterMetadata: { "envoy.filters.http.jwt_authn": { fields: { sub: { stringValue: "alice" }, n: { numberValue: 3 } } } } },
      ...extra,
    },
  });
}

describe("buildInput", () => {
  it("maps the request like opa-envoy-plugin", () => {
    const req = request({
      path: "/v1/tenants/acme/chat%2Fx/completions?stream=false&tag=a&tag=b+c&empty",
      headers: { "content-type": "application/json", ":method": "POST" },
      body: '{"model":"gpt-4o","max_tokens":512}',
      size: "35",
    });
    const { input, view } = buildInput(req, 65536);
    expect(input.parsed_path).toEqual(["v1", "tenants", "acme", "chat/x", "completions"]);
    expect(input.parsed_query).toEqual({ stream: ["false"], tag: ["a", "b c"], empty: [""] });
    expect(input.parsed_body).toEqual({ model: "gpt-4o", max_tokens: 512 });
    expect(input.truncated_body).toBe(false);
    expect(input.version).toEqual({ encoding: "protojson", ext_authz: "v3" });
    const a = input.attributes as any;
    expect(a.source.address.socketAddress).toEqual({ address: "10.0.0.1", portValue: 4711 });
    expect(a.request.time).toBe("2025-11-25T18:00:00.5Z");
    expect(a.request.http.size).toBe("35");
    expect(a.request.http.headers["content-type"]).toBe("application/json");
    expect(a.contextExtensions).toEqual({ "com.example.route": "chat" });
    expect(a.metadataContext.filterMetadata["envoy.filters.http.jwt_authn"]).toEqual({ sub: "alice", n: 3 });
    expect(view).toMatchObject({ path: "/v1/tenants/acme/chat%2Fx/completions", method: "POST", principal: "spiffe://cluster.local/ns/app/sa/frontend" });
    expect(JSON.parse(JSON.stringify(input))).toBeTruthy();
  });

  it("parses form bodies and raw (bytes) bodies, base64 in attributes as protojson does", () => {
    const { input } = buildInput(request({ path: "/f", headers: { "content-type": "application/x-www-form-urlencoded" }, rawBody: Buffer.from("a=1&b=x+y&a=2") }), 1024);
    expect(input.parsed_body).toEqual({ a: ["1", "2"], b: ["x y"] });
    expect((input.attributes as any).request.http.rawBody).toBe(Buffer.from("a=1&b=x+y&a=2").toString("base64"));
  });

  it("flags truncated bodies and bodies over the limit, and does not parse them", () => {
    const cut = buildInput(request({ path: "/", headers: { "content-type": "application/json", "content-length": "9999" }, body: '{"a":' }), 1024).input;
    expect(cut.truncated_body).toBe(true);
    expect(cut.parsed_body).toBeUndefined();
    const big = buildInput(request({ path: "/", headers: { "content-type": "application/json" }, body: JSON.stringify({ x: "y".repeat(2000) }) }), 1024).input;
    expect(big.truncated_body).toBe(true);
    expect(big.parsed_body).toBeUndefined();
  });

  it("tolerates a non-JSON body with a JSON content type", () => {
    const { input } = buildInput(request({ path: "/", headers: { "content-type": "application/json" }, body: "{not json" }), 1024);
    expect(input.parsed_body).toBeUndefined();
    expect(input.truncated_body).toBe(false);
  });

  it("survives a request with no attributes at all", () => {
    const { input, view } = buildInput(wire({}), 1024);
    expect(input.parsed_path).toEqual([""]);
    expect(input.parsed_query).toEqual({});
    expect(view).toMatchObject({ path: "", method: "" });
    expect(view.headers).toEqual({});
    expect(buildInput(undefined, 1024).input.parsed_path).toEqual([""]);
  });

  it("builds headers from header_map when Envoy sends that instead", () => {
    const req = request({ path: "/x", headerMap: { headers: [{ key: "X-A", value: "1" }, { key: "x-a", rawValue: Buffer.from("2") }] } });
    const { view } = buildInput(req, 1024);
    expect(view.headers["x-a"]).toBe("1,2");
  });
});

describe("path and query helpers", () => {
  it("keeps bad percent escapes as they are", () => {
    expect(parsePath("//a/%zz/%41")).toEqual(["a", "%zz", "A"]);
    expect(parseQuery("a=%zz&__proto__=1")["a"]).toEqual(["%zz"]);
    expect(Object.getPrototypeOf(parseQuery("__proto__=1"))).toBeNull();
  });
});
