/** input.identity from verified claims: subject apart from actors, tenant/plan/purpose, roles and scopes as arrays. */
import { describe, expect, it } from "vitest";
import { buildIdentity, extractToken } from "../../src/identity/identity.js";

const names = { tenant: "tenant", roles: "roles", plan: "plan", purpose: "purpose" };

describe("buildIdentity", () => {
  it("maps claims and the act chain", () => {
    const claims = { sub: "alice", iss: "https://idp", tenant: "acme", roles: ["contributor"], scope: "chat:write rag:read", plan: "pro", act: { sub: "svc-rag" } };
    const id = buildIdentity({ ok: true, claims }, names, "spiffe://cluster.local/ns/app/sa/frontend");
    expect(id).toMatchObject({
      authenticated: true,
      subject: "alice",
      issuer: "https://idp",
      tenant: "acme",
      roles: ["contributor"],
      scopes: ["chat:write", "rag:read"],
      plan: "pro",
      actors: [{ sub: "svc-rag" }],
      delegated: true,
      workload: "spiffe://cluster.local/ns/app/sa/frontend",
    });
    expect(id.claims).toBe(claims);
  });

  it("reads dotted claim names, scp arrays and string roles", () => {
    const claims = { sub: "bob", realm_access: { roles: ["viewer", "auditor"] }, scp: ["a", "b"], org: { id: "globex" } };
    const id = buildIdentity({ ok: true, claims }, { ...names, roles: "realm_access.roles", tenant: "org.id" }, undefined);
    expect(id.roles).toEqual(["viewer", "auditor"]);
    expect(id.scopes).toEqual(["a", "b"]);
    expect(id.tenant).toBe("globex");
    expect(id.delegated).toBe(false);
    expect(buildIdentity({ ok: true, claims: { roles: "viewer contributor" } }, names, undefined).roles).toEqual(["viewer", "contributor"]);
  });

  it("carries the reason when unauthenticated", () => {
    const id = buildIdentity({ ok: false, reason: "expired", detail: "x" }, names, "spiffe://w");
    expect(id).toEqual({ authenticated: false, reason: "expired", roles: [], scopes: [], actors: [], delegated: false, workload: "spiffe://w" });
  });
});

describe("extractToken", () => {
  it("takes the bearer token and names what is wrong", () => {
    expect(extractToken("Bearer abc", "Bearer")).toEqual({ token: "abc" });
    expect(extractToken("bearer abc", "Bearer")).toEqual({ token: "abc" });
    expect(extractToken(undefined, "Bearer")).toEqual({ reason: "missing_token" });
    expect(extractToken("Basic dXNlcg==", "Bearer")).toEqual({ reason: "malformed_token" });
    expect(extractToken("Bearer ", "Bearer")).toEqual({ reason: "missing_token" });
    expect(extractToken("raw.jwt.value", "")).toEqual({ token: "raw.jwt.value" });
  });
});
