// JWT built-ins with real keys (node:crypto / jose), cross-checked against jose in both directions, and
// OPA's behaviour from the jwt* conformance folders (error messages, decode_verify constraint rules).
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { SignJWT, jwtVerify, exportJWK, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { HostContext } from "../../src/builtins/context.js";
import { jwtBuiltins, scaledDecimal } from "../../src/builtins/jwt.js";
import { hostBuiltins, strictHostBuiltins } from "../../src/builtins/index.js";

const NOW_NS = 1_700_000_000_000_000_000n;
const j = jwtBuiltins(new HostContext({ clock: () => NOW_NS }));
const fixture = (f: string) => readFileSync(new URL(`./fixtures/${f}`, import.meta.url), "utf8");

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec256 = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ec384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
const ec521 = generateKeyPairSync("ec", { namedCurve: "P-521" });
const ed = generateKeyPairSync("ed25519");
const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }) as string;

async function joseToken(alg: string, key: KeyObject, claims: Record<string, unknown> = { sub: "alice" }, header: Record<string, unknown> = {}) {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT", ...header }).sign(key);
}

describe("io.jwt.verify_*", () => {
  const cases: Array<[string, { publicKey: KeyObject; privateKey: KeyObject }]> = [
    ["RS256", rsa], ["RS384", rsa], ["RS512", rsa], ["PS256", rsa], ["PS384", rsa], ["PS512", rsa],
    ["ES256", ec256], ["ES384", ec384], ["ES512", ec521], ["EdDSA", ed],
  ];
  for (const [alg, kp] of cases) {
    it(`verifies ${alg} tokens signed by jose, with a PEM key and a JWK set`, async () => {
      const token = await joseToken(alg, kp.privateKey);
      const f = j[`io.jwt.verify_${alg.toLowerCase()}`]!;
      expect(f(token, pem(kp.publicKey))).toBe(true);
      const jwks = JSON.stringify({ keys: [await exportJWK(kp.publicKey)] });
      expect(f(token, jwks)).toBe(true);
      const other = generateKeyPairSync("ec", { namedCurve: "P-256" });
      expect(f(token, pem(other.publicKey))).toBe(false);
      const tampered = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
      expect(f(tampered, pem(kp.publicKey))).toBe(false);
    });
  }

  it("verifies with a PEM certificate", async () => {
    const key = (await import("node:crypto")).createPrivateKey(fixture("rsa-cert-key.pem"));
    const token = await joseToken("RS256", key);
    expect(j["io.jwt.verify_rs256"]!(token, fixture("rsa-cert.pem"))).toBe(true);
  });

  it("verifies HMAC with the plain secret", async () => {
    const token = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode("s3cret"));
    expect(j["io.jwt.verify_hs256"]!(token, "s3cret")).toBe(true);
    expect(j["io.jwt.verify_hs256"]!(token, "wrong")).toBe(false);
    expect(j["io.jwt.verify_hs384"]!(token, "s3cret")).toBe(false);
  });

  it("reports malformed tokens and keys with OPA's messages", () => {
    const v = j["io.jwt.verify_rs256"]!;
    expect(() => v("abc", pem(rsa.publicKey))).toThrow("encoded JWT had no period separators");
    expect(() => v("a.b", pem(rsa.publicKey))).toThrow("encoded JWT must have 3 sections, found 2");
    expect(() => v("eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.eyJ9.x", pem(rsa.publicKey)))
      .toThrow("JWT header had invalid encoding: illegal base64 data at input byte 13");
    const bad = "-----BEGIN CERTIFICATE-----\ndeadbeef\n-----END CERTIFICATE-----";
    expect(() => v("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", bad)).toThrow("failed to parse a PEM certificate");
    expect(hostBuiltins["io.jwt.verify_rs256"]!("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", bad)).toBeUndefined();
    expect(() => strictHostBuiltins["io.jwt.verify_rs256"]!("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", bad)).toThrow(/eval_builtin_error|PEM/);
  });
});

describe("io.jwt.decode_verify", () => {
  const dv = j["io.jwt.decode_verify"]! as (jwt: unknown, c: unknown) => unknown[];
  const cert = () => pem(rsa.publicKey);

  it("returns [true, header, payload] for a valid token", async () => {
    const token = await joseToken("RS256", rsa.privateKey, { iss: "xxx", aud: "fred" });
    expect(dv(token, { cert: cert(), aud: "fred", iss: "xxx" })).toEqual([true, { alg: "RS256", typ: "JWT" }, { iss: "xxx", aud: "fred" }]);
  });

  it("is [false, {}, {}] on wrong key, alg, iss, aud, exp or nbf", async () => {
    const t = await joseToken("RS256", rsa.privateKey, { iss: "xxx", aud: ["fred", "bob"], exp: 3000, nbf: 1000 });
    const no = [false, {}, {}];
    expect(dv(t, { cert: pem(ec256.publicKey), time: 2000e9 })).toEqual(no);
    expect(dv(t, { cert: cert(), alg: "PS256", time: 2000e9, aud: "bob" })).toEqual(no);
    expect(dv(t, { cert: cert(), iss: "yyy", time: 2000e9, aud: "bob" })).toEqual(no);
    expect(dv(t, { cert: cert(), time: 2000e9 })).toEqual(no); // token has aud, constraint has none
    expect(dv(t, { cert: cert(), time: 2000e9, aud: "cath" })).toEqual(no);
    expect(dv(t, { cert: cert(), time: 3000e9, aud: "bob" })).toEqual(no); // exp is exclusive
    expect(dv(t, { cert: cert(), time: 999e9, aud: "bob" })).toEqual(no);
    expect(dv(t, { cert: cert(), time: 2000e9, aud: "bob" })[0]).toBe(true);
    // Without a time constraint, the evaluation's now (here 1.7e18 ns) is used: expired.
    expect(dv(t, { cert: cert(), aud: "bob" })).toEqual(no);
  });

  it("compares fractional exp/nbf exactly (hs256-float-* cases)", async () => {
    const key = new TextEncoder().encode("secret");
    const t = await new SignJWT({ exp: 1589385771.1234, nbf: 1589385770.1234, iss: "xxx" }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key);
    expect(dv(t, { secret: "secret", time: 1589385771123400000 })[0]).toBe(false); // equal to exp
    expect(dv(t, { secret: "secret", time: 1589385771023400000 })[0]).toBe(true);
    expect(dv(t, { secret: "secret", time: 1589385770023400000 })[0]).toBe(false); // before nbf
    expect(dv(t, { secret: "secret", time: 1589385770124400000 })[0]).toBe(true);
    expect(scaledDecimal(1589385771.1234, 18)).toBe(1589385771123400000000000000n);
  });

  it("picks keys by kid from a JWK set and follows nested tokens", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(other.publicKey)), kid: "a" }, { ...(await exportJWK(rsa.publicKey)), kid: "b" }] });
    const t = await joseToken("RS256", rsa.privateKey, { x: 1 }, { kid: "b" });
    expect(dv(t, { cert: jwks })[0]).toBe(true);
    const inner = await joseToken("RS256", rsa.privateKey, { deep: true });
    // jose cannot put a string payload in a JWT; build the nested one with encode_sign_raw instead.
    const jwk = JSON.stringify(await exportJWK(rsa.privateKey));
    const nested = j["io.jwt.encode_sign_raw"]!(JSON.stringify({ alg: "RS256", cty: "JWT" }), JSON.stringify(inner), jwk) as string;
    // OPA returns the innermost header (jwtdecodeverify/rsa256-nested).
    expect(dv(nested, { cert: cert() })).toEqual([true, { alg: "RS256", typ: "JWT" }, { deep: true }]);
  });

  it("refuses bad constraints and bad claims", async () => {
    const t = j["io.jwt.encode_sign"]!({ alg: "HS256" }, { exp: null }, { kty: "oct", k: Buffer.from("42").toString("base64url") }) as string;
    expect(() => dv(t, { secret: "42" })).toThrow("exp value must be a number");
    expect(() => dv(t, { secret: "42", bogus: 1 })).toThrow("unknown token validation constraint: bogus");
    expect(() => dv(t, {})).toThrow("no key constraint");
    expect(() => dv(t, "x")).toThrow("io.jwt.decode_verify: operand 2 must be object but got string");
  });
});

describe("io.jwt.encode_sign / encode_sign_raw", () => {
  it("signs tokens that jose verifies", async () => {
    for (const [alg, kp] of [["RS256", rsa], ["PS384", rsa], ["ES256", ec256], ["EdDSA", ed]] as const) {
      const jwk = await exportJWK(kp.privateKey);
      const token = j["io.jwt.encode_sign"]!({ alg, typ: "JWT" }, { sub: "bob", n: [1, 2] }, jwk) as string;
      const { payload, protectedHeader } = await jwtVerify(token, kp.publicKey);
      expect(payload).toEqual({ sub: "bob", n: [1, 2] });
      expect(protectedHeader.alg).toBe(alg);
    }
    const hs = j["io.jwt.encode_sign"]!({ alg: "HS512" }, { a: "b" }, { kty: "oct", k: "c2VjcmV0" }) as string;
    expect((await jwtVerify(hs, await importJWK({ kty: "oct", k: "c2VjcmV0" }, "HS512"))).payload).toEqual({ a: "b" });
  });

  it("HS256 output is deterministic (RFC 7515 A.1 example)", () => {
    // The RFC's exact header/payload bytes (with CRLFs) and key produce the RFC's exact signature.
    const header = '{"typ":"JWT",\r\n "alg":"HS256"}';
    const payload = '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}';
    const key = JSON.stringify({ kty: "oct", k: "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow" });
    expect(j["io.jwt.encode_sign_raw"]!(header, payload, key)).toBe(
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    );
  });

  it("reports header and payload errors as OPA does", () => {
    const key = JSON.stringify({ kty: "oct", k: "AyM1" });
    const raw = j["io.jwt.encode_sign_raw"]!;
    expect(() => raw('{"typ:"JWT"}', "{}", key)).toThrow("missing or invalid 'alg' header: cannot parse JSON");
    expect(() => raw('{"alg":"dummy"}', "{}", key)).toThrow("unknown JWS algorithm: dummy");
    expect(() => raw("{}", "{}", key)).toThrow(`missing or invalid 'alg' header: jwsbb: header "alg" not found`);
    expect(() => raw("", "{}", key)).toThrow("missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
    expect(() => raw("e", "{}", key)).toThrow("invalid character");
    expect(() => raw('{"typ":"JWT","alg":"HS256"}', "e", key)).toThrow("type is JWT but payload is not JSON");
  });
});
