/** Configuration layers (YAML, REGENT_* env, flags) and refusal of bad values naming the key. */
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/load.js";
import { RegentError } from "../../src/errors.js";

function error(fn: () => unknown): RegentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RegentError) return e;
    throw e;
  }
  throw new Error("expected a RegentError");
}

describe("resolveConfig", () => {
  it("uses the defaults with nothing given", () => {
    const c = resolveConfig({});
    expect(c.server.addr).toBe("127.0.0.1:9191");
    expect(c.server.admin_addr).toBe("127.0.0.1:8181");
    expect(c.policy).toMatchObject({ decision_path: "envoy/authz/allow", fail_mode: "deny" });
  });

  it("layers file < env < flags", () => {
    const c = resolveConfig({
      fileText: "server:\n  addr: 0.0.0.0:9000\n  workers: 2\nidentity:\n  audience: ai\nbudget:\n  scope: tenant\n  limits: {acme: 10}\n",
      fileName: "regent.yaml",
      env: { REGENT_SERVER__WORKERS: "4", REGENT_IDENTITY__ALGORITHMS: "[ES256]", PATH: "/bin", REGENT_HOME: "/x" },
      overrides: { "server.workers": 1, "bundle.source": "http://b/x.tar.gz", "server.addr": undefined },
    });
    expect(c.server.addr).toBe("0.0.0.0:9000");
    expect(c.server.workers).toBe(1);
    expect(c.identity.audience).toEqual(["ai"]);
    expect(c.identity.algorithms).toEqual(["ES256"]);
    expect(c.budget.limits).toEqual({ acme: 10 });
    expect(c.bundle.source).toBe("http://b/x.tar.gz");
  });

  it("names the exact key that is wrong", () => {
    expect(error(() => resolveConfig({ fileText: "server:\n  adr: x\n" })).message).toMatch(/^server\.adr: unknown key/);
    expect(error(() => resolveConfig({ fileText: "server:\n  workers: many\n" })).message).toMatch(/^server\.workers: must be an integer/);
    expect(error(() => resolveConfig({ fileText: "identity:\n  algorithms: [RS256, none]\n" })).message).toMatch(/^identity\.algorithms\[1\]: "none" is never/);
    expect(error(() => resolveConfig({ fileText: "policy:\n  fail_mode: maybe\n" })).message).toMatch(/^policy\.fail_mode: must be one of deny, allow/);
    expect(error(() => resolveConfig({ fileText: "budget:\n  exhausted_status: 403\n" })).message).toMatch(/^budget\.exhausted_status/);
    expect(error(() => resolveConfig({ fileText: "ai:\n  routes:\n    - operation: chat\n" })).message).toMatch(/^ai\.routes\[0\]\.pattern: is required/);
    expect(error(() => resolveConfig({ env: { REGENT_SERVER__PORT: "1" } })).message).toMatch(/^server\.port: unknown key/);
    expect(error(() => resolveConfig({ fileText: "server:\n  tls:\n    cert_file: /c.pem\n" })).message).toMatch(/^server\.tls\.key_file/);
    expect(error(() => resolveConfig({ fileText: "bundle:\n  poll_min_seconds: 30\n  poll_max_seconds: 10\n" })).message).toMatch(/^bundle\.poll_max_seconds/);
    expect(error(() => resolveConfig({ fileText: "server:\n  addr: nowhere\n" })).code).toBe("config_invalid_error");
  });

  it("reports YAML syntax errors with a location", () => {
    const e = error(() => resolveConfig({ fileText: "server:\n  addr: [unclosed\n", fileName: "bad.yaml" }));
    expect(e.code).toBe("config_file_error");
    expect(e.location?.file).toBe("bad.yaml");
    expect(error(() => resolveConfig({ fileText: "- a\n- b\n", fileName: "list.yaml" })).message).toMatch(/top level must be a mapping/);
  });

  it("fills the limits section from its defaults, merges a partial one, and checks each value", () => {
    const c = resolveConfig({ fileText: "limits:\n  max_json_depth: 32\nbudget:\n  limits: {acme: 5}\n" });
    expect(c.limits).toMatchObject({ max_json_depth: 32, bundle_expanded_bytes: 64 * 1024 * 1024, bundle_download_bytes: 16 * 1024 * 1024, max_token_bytes: 16384 });
    // budget.limits is a map of names and still replaces rather than merges.
    expect(c.budget.limits).toEqual({ acme: 5 });
    expect(c.identity).toMatchObject({ token_cache_bytes: 16 * 1024 * 1024, require_exp: false, reject_future_iat: false, typ: [] });
    expect(error(() => resolveConfig({ fileText: "limits:\n  max_json_depth: 1\n" })).message).toMatch(/^limits\.max_json_depth: must be an integer between 2/);
    expect(error(() => resolveConfig({ fileText: "limits:\n  bundle_bytes: 1\n" })).message).toMatch(/^limits\.bundle_bytes: unknown key/);
    expect(resolveConfig({ env: { REGENT_LIMITS__MAX_HEADERS: "50" } }).limits.max_headers).toBe(50);
  });
});
