/**
 * bench/limits/rbac.ts: the hand-written RBAC decision agrees with bench/policies/rbac.rego compiled by
 * regent and run through the SDK, on allows, denies and malformed credentials.
 */
import { describe, expect, it } from "vitest";
import { envoyInput, rbacRequest, checkRequest } from "../../../bench/fixtures/envoy.js";
import { rbacAllow, userName } from "../../../bench/limits/rbac.js";
import { compileAndLoad, readPolicy } from "../../../bench/lib/policy.js";

describe("rbacAllow", () => {
  it("follows the user_name rule, including its undefined cases", () => {
    expect(userName(`Basic ${Buffer.from("alice:pw").toString("base64url")}`)).toBe("alice");
    expect(userName("Basic")).toBeUndefined();
    expect(userName(`Basic ${Buffer.from("alice").toString("base64url")}`)).toBeUndefined();
    expect(userName(undefined)).toBeUndefined();
  });

  it("decides as the compiled policy does", async () => {
    const loaded = await compileAndLoad([readPolicy("bench/policies/rbac.rego")], "envoy/authz/allow");
    if (!loaded.ok) throw new Error(loaded.why);
    const inputs = [
      envoyInput(rbacRequest()),
      envoyInput(rbacRequest("alice", "POST")),
      envoyInput(rbacRequest("bob", "POST")),
      envoyInput(rbacRequest("bob", "GET", "/people/1")),
      envoyInput(rbacRequest("mallory")),
      envoyInput(checkRequest({ method: "GET", path: "/people", authorization: "Bearer a b" })),
    ];
    const want = [true, false, true, false, false, false];
    expect(inputs.map((i) => rbacAllow(i))).toEqual(want);
    expect(inputs.map((i) => loaded.ready.decide(i))).toEqual(want);
  });
});
