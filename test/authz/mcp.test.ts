/** input.ai.mcp: MCP routes from bundle data, JSON-RPC single and batch, argument projection, bad bodies. */
import { describe, expect, it } from "vitest";
import { isMcpRoute, mcpSettings, parseMcp, type McpRequest } from "../../src/authz/mcp.js";

const data = {
  regent: {
    routes: [
      { method: "POST", path: "/v1/tenants/{tenant}/mcp", mcp: true },
      { method: "*", path: "/mcp/*", mcp: true },
      { method: "POST", path: "/v1/chat/completions" },
    ],
    mcp: { argument_values: { read_file: ["path"], "*": ["namespace"] }, max_batch: 3, max_arguments: 4, max_value_chars: 10 },
  },
};
const s = mcpSettings(data);

function req(body: unknown, extra: Partial<McpRequest> = {}): McpRequest {
  return { method: "POST", path: "/v1/tenants/acme/mcp", headers: {}, body, hasBody: body !== undefined, truncated: false, ...extra };
}

const call = (name: string, args?: unknown, id: unknown = 1) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });

describe("mcpSettings and isMcpRoute", () => {
  it("takes routes marked mcp: true, with their method", () => {
    expect(isMcpRoute(s, "POST", "/v1/tenants/acme/mcp")).toBe(true);
    expect(isMcpRoute(s, "post", "/v1/tenants/acme/mcp")).toBe(true);
    expect(isMcpRoute(s, "GET", "/v1/tenants/acme/mcp")).toBe(false);
    expect(isMcpRoute(s, "DELETE", "/mcp/session")).toBe(true);
    expect(isMcpRoute(s, "POST", "/v1/chat/completions")).toBe(false);
  });

  it("is computed once per data object and tolerates missing or odd data", () => {
    expect(mcpSettings(data)).toBe(s);
    for (const d of [undefined, null, 7, {}, { regent: { routes: "x", mcp: [] } }, { regent: { routes: [null, { mcp: true }] } }]) {
      const e = mcpSettings(d);
      expect(e.routes).toEqual([]);
      expect(e.maxBatch).toBe(32);
    }
  });
});

describe("parseMcp", () => {
  it("reads a tools/call with argument types and sizes, and values only where asked", () => {
    const out = parseMcp(req(call("read_file", { path: "/srv/acme/a.txt", mode: "r", namespace: "acme-wiki", opts: { deep: true } })), s);
    expect(out).toEqual({
      batch: false,
      calls: [
        {
          index: 0,
          id: 1,
          method: "tools/call",
          notification: false,
          tool: "read_file",
          arguments: {
            path: { type: "string", size: 17, value_omitted: "too_long" },
            mode: { type: "string", size: 3 },
            namespace: { type: "string", size: 11, value: "acme-wiki" },
            opts: { type: "object", size: 13 },
          },
        },
      ],
    });
  });

  it("projects scalar values and marks structured ones", () => {
    const out = parseMcp(req(call("read_file", { path: "/a", namespace: ["x"] })), s);
    expect(out.calls[0]!.arguments).toEqual({
      path: { type: "string", size: 4, value: "/a" },
      namespace: { type: "array", size: 5, value_omitted: "not_scalar" },
    });
  });

  it("keeps the session id header, notifications and responses", () => {
    const body = [
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: "s-1", result: {} },
      { jsonrpc: "2.0", id: null, method: "ping" },
    ];
    const out = parseMcp(req(body, { headers: { "mcp-session-id": "abc" } }), s);
    expect(out.session_id).toBe("abc");
    expect(out.batch).toBe(true);
    expect(out.calls).toEqual([
      { index: 0, method: "notifications/initialized", notification: true },
      { index: 1, id: "s-1", notification: false, response: true },
      { index: 2, id: null, method: "ping", notification: false },
    ]);
  });

  it("names prompts and resources", () => {
    const body = [
      { jsonrpc: "2.0", id: 1, method: "prompts/get", params: { name: "summarize", arguments: { namespace: "n" } } },
      { jsonrpc: "2.0", id: 2, method: "resources/read", params: { uri: "file:///srv/acme/x" } },
    ];
    const out = parseMcp(req(body), s);
    expect(out.calls[0]).toMatchObject({ prompt: "summarize", arguments: { namespace: { type: "string", size: 3, value: "n" } } });
    expect(out.calls[1]).toMatchObject({ resource: "file:///srv/acme/x" });
  });

  it("gives a body-level error for a missing, truncated, malformed or oversized body", () => {
    expect(parseMcp(req(undefined), s).error).toBe("body_missing");
    expect(parseMcp(req(undefined, { hasBody: true }), s).error).toBe("invalid_json");
    expect(parseMcp(req({}, { truncated: true }), s).error).toBe("body_truncated");
    expect(parseMcp(req([]), s).error).toBe("empty_batch");
    expect(parseMcp(req([1, 2, 3, 4]), s).error).toBe("batch_too_large");
    expect(parseMcp(req("tools/call"), s).error).toBe("invalid_message");
    expect(parseMcp(req(null), s).error).toBe("invalid_message");
  });

  it("has no body to read on GET (event stream) and DELETE (end of session)", () => {
    expect(parseMcp(req(undefined, { method: "GET", headers: { "mcp-session-id": "x" } }), s)).toEqual({ batch: false, calls: [], session_id: "x" });
  });

  it("marks each malformed message of a batch on its own", () => {
    const body = [
      call("search_docs", {}),
      { jsonrpc: "1.0", id: 1, method: "tools/call" },
      { jsonrpc: "2.0", id: {}, method: "ping" },
      { jsonrpc: "2.0", id: 1, method: 7 },
    ];
    const out = parseMcp(req(body), { ...s, maxBatch: 10 });
    expect(out.calls.map((c) => c.error)).toEqual([undefined, "invalid_request", "invalid_request", "invalid_request"]);
  });

  it("refuses params of the wrong shape", () => {
    const bad = [
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: "x" },
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} },
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: 5 } },
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "" } },
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "x".repeat(5000) } },
      call("t", [1, 2]),
      call("t", "args"),
      call("t", { a: 1, b: 2, c: 3, d: 4, e: 5 }),
      { jsonrpc: "2.0", id: 1, method: "resources/read", params: { uri: 1 } },
      { jsonrpc: "2.0", id: 1, method: "prompts/get" },
    ];
    for (const b of bad) expect(parseMcp(req(b), s).calls[0]!.error, JSON.stringify(b).slice(0, 80)).toBe("invalid_params");
    expect(parseMcp(req(call("t", null)), s).calls[0]!.arguments).toEqual({});
  });
});

describe("parseMcp and hostile shapes", () => {
  it("refuses a body nested deeper than arguments may be", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(parseMcp(req(call("search_docs", { q: deep })), s).error).toBe("too_deep");
    let ok: unknown = 1;
    for (let i = 0; i < 60; i++) ok = [ok];
    expect(parseMcp(req(call("search_docs", { q: ok })), s).error).toBeUndefined();
  });

  it("refuses a body whose keys repeat, which servers may read differently", () => {
    const raw = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"delete_repo","name":"search_docs"}}';
    expect(parseMcp(req(JSON.parse(raw), { raw }), s).error).toBe("duplicate_key");
    expect(parseMcp(req(JSON.parse(raw), { raw: Buffer.from(raw) }), s).error).toBe("duplicate_key");
    const ok = JSON.stringify(call("search_docs", { q: 1 }));
    expect(parseMcp(req(JSON.parse(ok), { raw: ok }), s).error).toBeUndefined();
  });
});
