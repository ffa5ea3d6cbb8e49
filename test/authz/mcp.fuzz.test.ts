/**
 * Fuzzing the MCP path with a fixed seed: malformed, huge, deeply nested and wrongly typed JSON-RPC
 * bodies go through the parser alone (no throw, serialisable facts) and through the Check pipeline
 * with the reference policies (no crash, and no allow unless an independent oracle finds the body
 * to be well-formed calls the caller may make). Bounded in count; never waits for time.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { agentAttributes } from "../../src/authz/agent.js";
import { parseBody } from "../../src/authz/input.js";
import type { BudgetStore, Counter } from "../../src/budget/index.js";
import { checkRequest } from "./harness.js";
import { startGateway, type Gateway } from "./gateway.js";
import { rng } from "../support/rng.js";

const SEED = 0x16_0c;
const MAX_BODY = 65_536;
const ROOT_URI = "file:///srv/tenants/acme/";
const OPEN = new Set(["initialize", "ping", "tools/list", "prompts/list", "resources/list", "notifications/initialized", "notifications/cancelled"]);

function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number) => Math.floor(rand() * n);
  const scalar = (): unknown => pick([null, true, false, 0, -1, 1.5, 1e308, "", "x", "search_docs", "../../etc", "\u0000", "é😀", ROOT_URI + "a.md"]);
  const value = (depth: number): unknown => {
    if (depth <= 0 || rand() < 0.5) return scalar();
    if (rand() < 0.5) return Array.from({ length: int(4) }, () => value(depth - 1));
    return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(["a", "path", "name", "jsonrpc", "__proto__", "constructor"]), value(depth - 1)]));
  };
  const maybe = <T>(good: T, depth = 2): unknown => (rand() < 0.75 ? good : value(depth));
  const message = (): unknown => {
    const method = pick(["tools/call", "tools/call", "tools/call", "resources/read", "prompts/get", "ping", "tools/list", "completion/complete", "sampling/createMessage"]);
    const params =
      method === "tools/call"
        ? { name: maybe(pick(["search_docs", "search_docs", "create_issue", "delete_repo", "read_file", ""])), arguments: maybe({ query: value(2) }) }
        : method === "resources/read"
          ? { uri: maybe(pick([ROOT_URI + "a.md", ROOT_URI + "../globex/a", "file:///etc/passwd"])) }
          : method === "prompts/get"
            ? { name: maybe("summarize") }
            : undefined;
    const m: Record<string, unknown> = { jsonrpc: maybe("2.0", 1), method: maybe(method, 1) };
    if (rand() < 0.9) m.id = maybe(int(1000), 1);
    if (params !== undefined || rand() < 0.2) m.params = maybe(params, 2);
    if (rand() < 0.05) return value(3);
    return m;
  };
  /** A body text: valid-looking JSON-RPC, then mutated in one of several ways. */
  return (): string => {
    const base = rand() < 0.3 ? Array.from({ length: int(20) }, message) : message();
    let text = JSON.stringify(base) ?? "null";
    switch (int(9)) {
      case 0: // flip a few characters
        for (let i = 0, n = 1 + int(3); i < n && text.length; i++) {
          const at = int(text.length);
          text = text.slice(0, at) + pick(['"', "{", "}", "[", "]", ",", ":", "\\", "x", "0"]) + text.slice(at + 1);
        }
        break;
      case 1: // cut short
        text = text.slice(0, int(text.length));
        break;
      case 2: { // deeply nested argument
        const depth = 1_000 + int(20_000);
        text = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "search_docs", arguments: { q: 0 } } }).replace(
          '"q":0',
          `"q":${"[".repeat(depth)}${"]".repeat(depth)}`,
        );
        break;
      }
      case 3: // huge: over the body limit
        text = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "search_docs", arguments: { q: "x".repeat(MAX_BODY + int(1000)) } } });
        break;
      case 4: // big but inside the limit, many arguments
        text = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "search_docs", arguments: Object.fromEntries(Array.from({ length: int(80) }, (_, i) => [`a${i}`, i])) } });
        break;
      case 5: // not JSON-RPC at all
        text = pick(["", " ", "null", "0", '"tools/call"', "[[]]", "{}", "[{}]", "\ufeff{}", "{\"jsonrpc\":\"2.0\"}"]);
        break;
      default:
        break;
    }
    return text;
  };
}

/** Levels of arrays and objects, breadth first (a queue, so deep bodies cannot overflow the stack). */
function depth(root: unknown): number {
  let level: unknown[] = [root];
  let d = 0;
  while (level.length) {
    const next: unknown[] = [];
    for (const v of level) if (typeof v === "object" && v !== null) next.push(...(Array.isArray(v) ? v : Object.values(v)));
    if (next.length === 0 && !level.some((v) => typeof v === "object" && v !== null)) break;
    d++;
    level = next;
  }
  return d;
}

/** Independent of the parser: may the viewer "vic" of acme make every call in this body? */
function oracleAllows(text: string): boolean {
  if (Buffer.byteLength(text) > MAX_BODY) return false;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return false;
  }
  // Repeated keys vanish in JSON.parse; text that does not re-encode to itself may hide some, so
  // the oracle does not vouch for it (the generator's valid bodies are JSON.stringify output).
  try {
    if (JSON.stringify(body) !== text) return false;
  } catch {
    return false; // nested too deep to re-encode: far past any allowed argument depth
  }
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0 || list.length > 16) return false;
  return list.every((m) => {
    if (typeof m !== "object" || m === null || Array.isArray(m)) return false;
    const r = m as Record<string, unknown>;
    if (r.jsonrpc !== "2.0") return false;
    if ("id" in r && !(r.id === null || typeof r.id === "string" || (typeof r.id === "number" && Number.isFinite(r.id)))) return false;
    if (r.method === undefined) return "id" in r && ("result" in r || "error" in r);
    if (typeof r.method !== "string") return false;
    if (r.params !== undefined && (typeof r.params !== "object" || r.params === null)) return false;
    if (OPEN.has(r.method)) return true;
    const p = (r.params ?? {}) as Record<string, unknown>;
    if (r.method === "tools/call") {
      const args = p.arguments;
      const argsOk =
        args === undefined ||
        args === null ||
        (typeof args === "object" && !Array.isArray(args) && Object.keys(args).length <= 32 && Object.values(args).every((a) => depth(a) <= 64));
      return p.name === "search_docs" && argsOk;
    }
    if (r.method === "resources/read") {
      const uri = p.uri;
      return typeof uri === "string" && uri.startsWith(ROOT_URI) && !uri.split("/").some((s) => s === "." || s === "..") && !uri.includes("\\");
    }
    return false;
  });
}

const CASES = 400;

describe("MCP parser fuzz (seeded)", () => {
  it("never throws and always yields serialisable facts or an error code", () => {
    const next = generator(rng(SEED));
    const data = { regent: { routes: [{ method: "POST", path: "/mcp", mcp: true }], mcp: { argument_values: { "*": ["q", "path"] } } } };
    let errors = 0;
    for (let i = 0; i < 2_000; i++) {
      const text = next();
      const headers = { "content-type": "application/json" };
      const { parsed, truncated } = parseBody(headers, text, MAX_BODY);
      const out = agentAttributes("/mcp", headers, parsed, data, { method: "POST", hasBody: text !== "", raw: text, truncated });
      expect(out.extraction_error, text.slice(0, 100)).toBeUndefined();
      expect(() => JSON.stringify(out)).not.toThrow();
      const mcp = out.mcp!;
      const failed = mcp.error !== undefined || mcp.calls.some((c) => c.error !== undefined);
      if (failed) errors++;
      else {
        // No error: the body was JSON, and every message is a request, a notification or a response.
        expect(() => JSON.parse(text), text.slice(0, 100)).not.toThrow();
        for (const c of mcp.calls) expect(c.method !== undefined || c.response === true).toBe(true);
      }
      // A body the oracle finds well-formed is never reported as malformed.
      if (oracleAllows(text)) expect(failed, text.slice(0, 100)).toBe(false);
    }
    // The generator does reach the error paths, and not only them.
    expect(errors).toBeGreaterThan(200);
    expect(errors).toBeLessThan(1_900);
  });
});

describe("MCP pipeline fuzz through the reference policy (seeded)", () => {
  let gw: Gateway;
  let bearer: string;
  // A store that never refuses, so that every deny the fuzzer sees is the policy's.
  const free = (counters: Counter[]) => counters.map((c) => ({ key: c.key, limit: c.limit, spent: 0, reserved: 0, remaining: c.limit, window_seconds: c.windowSeconds, reset_at: Date.now() + 1000 }));
  const unlimited: BudgetStore = {
    inspect: async (_tenant, counters) => ({ counters: free(counters), now: Date.now() }),
    reserve: async (req) => ({ ok: true, counters: free(req.counters), refused: [], retryAfterSeconds: 0, now: Date.now() }),
    settle: async () => ({ found: false, reserved: 0, charged: 0 }),
    close: async () => undefined,
  };

  beforeAll(async () => {
    gw = await startGateway(unlimited);
    bearer = `Bearer ${await gw.idp.token({ sub: "vic", tenant: "acme", roles: ["viewer"] })}`;
  }, 120_000);

  it(`decides ${CASES} fuzzed bodies without a crash and allows only what the oracle allows`, async () => {
    const next = generator(rng(SEED + 1));
    let allowed = 0;
    let denied = 0;
    const reasons = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const text = next();
      const req = checkRequest({ method: "POST", path: "/v1/tenants/acme/mcp", headers: { authorization: bearer, "content-type": "application/json" }, body: text });
      const res = await gw.check(req);
      const line = gw.lines[gw.lines.length - 1];
      if (res.status.code === 0) {
        allowed++;
        expect(oracleAllows(text), `allowed: ${text.slice(0, 200)}`).toBe(true);
        // An allow is always the policy's own: never a fail-open or a server error.
        expect(line).toMatchObject({ result: "allow", reason: "allowed" });
        expect(line.error).toBeUndefined();
      } else {
        denied++;
        // Every denial is the policy's or a request limit's, with its reason: no evaluation error, even for deep bodies.
        expect(line.error, JSON.stringify(line)).toBeUndefined();
        expect(typeof line.reason, JSON.stringify(line)).toBe("string");
        reasons.set(line.reason, (reasons.get(line.reason) ?? 0) + 1);
      }
    }
    expect(allowed).toBeGreaterThan(10);
    expect(denied).toBeGreaterThan(100);
    // The denials come from the policy's MCP, tool and size rules and from the request limits
    // (limits.max_json_depth refuses the deepest bodies before the policy), not from server failures.
    expect([...reasons.keys()].some((r) => r.startsWith("invalid_mcp:"))).toBe(true);
    expect(reasons.get("tool_not_granted") ?? 0).toBeGreaterThan(0);
    expect(reasons.get("payload_too_large") ?? 0).toBeGreaterThan(0);
    expect(reasons.get("body_too_deep") ?? 0).toBeGreaterThan(0);
  }, 300_000);

  it("allows the well-formed calls the oracle allows", async () => {
    for (const body of [
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "search_docs", arguments: { q: "x" } } },
      [{ jsonrpc: "2.0", id: 1, method: "ping" }, { jsonrpc: "2.0", id: 2, method: "resources/read", params: { uri: ROOT_URI + "a.md" } }],
    ]) {
      const text = JSON.stringify(body);
      expect(oracleAllows(text)).toBe(true);
      const req = checkRequest({ method: "POST", path: "/v1/tenants/acme/mcp", headers: { authorization: bearer, "content-type": "application/json" }, body: text });
      expect((await gw.check(req)).status.code, text).toBe(0);
    }
  });
});
