/**
 * io.jwt.decode through the real backend, runtime and SDK: OPA's conformance tokens (nested,
 * JWE, malformed) and tokens signed here with jose, whose parts are checked against Node's decoders.
 */
import { describe, expect, it } from "vitest";
import { SignJWT, generateKeyPair } from "jose";
import { checkRows, runCases, err, UNDEF, type Row } from "./harness.js";

const SIMPLE =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuZXciOiJJIGFtIGEgdXNlciBjcmVhdGVkIGZpZWxkIiwiaXNzIjoib3BhIn0.6UmjsclVDGD9jcmX_F8RJzVgHtUZuLu2pxkF_UEQCrE";
const NESTED =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6IkpXVCJ9.ImV5SmhiR2NpT2lKSVV6STFOaUlzSW5SNWNDSTZJa3BYVkNJc0ltTjBlU0k2SWtwWFZDSjkuSW1WNVNtaGlSMk5wVDJsS1NWVjZTVEZPYVVselNXNVNOV05EU1RaSmEzQllWa05LT1M1bGVVcDZaRmRKYVU5cFNYZEphWGRwWVZoT2VrbHFiMmxpTTBKb1NXNHdMbGh0Vm05TWIwaEpNM0I0VFhSTlQxOVhVazlPVFZOS2VrZFZSRkE1Y0VScWVUaEtjREJmZEdSU1dGa2kuOFcwcXg0bUx4c2xtWmw3d0VNVVdCeEg3dFNUM1hzRXVXWHhlc1hxRm5SSSI.U8rwnGAJ-bJoGrAYKEzNtbJQWd3x1eW0Y25nLKHDCgo";
const COMPLEX =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIiwiZXh0Ijp7ImFiYyI6IjEyMyIsImNiYSI6WzEwLCIxMCJdfX0.IIxF-uJ6i4K5Dj71xNLnUeqB9jmujl6ujTInhii1PxE";
const JWE =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImVuYyI6ImJsYWgifQ.eyJuZXciOiJJIGFtIGEgdXNlciBjcmVhdGVkIGZpZWxkIiwiaXNzIjoib3BhIn0.McGUb1e-UviZKy6UyQErNNQzEUgeV25Buwk7OHOa8U8";

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");

const rows: Row[] = [
  ["io.jwt.decode", [SIMPLE], [
    { alg: "HS256", typ: "JWT" },
    { iss: "opa", new: "I am a user created field" },
    "e949a3b1c9550c60fd8dc997fc5f112735601ed519b8bbb6a71905fd41100ab1",
  ]],
  ["io.jwt.decode", [NESTED], [
    { alg: "HS256", typ: "JWT" },
    { iss: "opa", sub: "0" },
    "5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576",
  ]],
  ["io.jwt.decode", [COMPLEX], [
    { alg: "HS256", typ: "JWT" },
    { ext: { abc: "123", cba: [10, "10"] }, iss: "opa", sub: "0" },
    "208c45fae27a8b82b90e3ef5c4d2e751ea81f639ae8e5eae8d32278628b53f11",
  ]],
  ["io.jwt.decode", [`${b64({ alg: "none" })}.${b64({ a: 1 })}.`], [{ alg: "none" }, { a: 1 }, ""]],
  ["io.jwt.decode", [JWE], UNDEF],
  ["io.jwt.decode", ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0"], UNDEF],
  ["io.jwt.decode", ["a.b"], UNDEF],
  ["io.jwt.decode", ["a.b.c.d"], UNDEF],
  ["io.jwt.decode", ["eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVo"], UNDEF],
  ["io.jwt.decode", ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwia/XNzIjoib3BhIn0.XmVo"], UNDEF],
  ["io.jwt.decode", [`${b64([1])}.${b64({ a: 1 })}.`], UNDEF],
  ["io.jwt.decode", [`${b64({ alg: "none" })}.${b64("not an object")}.`], UNDEF],
  ["io.jwt.decode", [`${b64({ alg: "none" })}.${b64({ a: 1 })}.%%%`], UNDEF],
  ["io.jwt.decode", [42], err("io.jwt.decode: operand 1 must be string but got number")],
];

describe("io.jwt.decode", () => {
  it("matches OPA's results", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });

  it("decodes tokens signed by jose (HS256, RS256, ES256) exactly as Node reads them", async () => {
    const claims = { sub: "alice", tenant: "acme", roles: ["viewer"], act: { sub: "svc-rag" }, n: 3, ok: true, nil: null };
    const secret = new TextEncoder().encode("a-very-secret-key-of-32-bytes!!!");
    const rsa = await generateKeyPair("RS256");
    const ec = await generateKeyPair("ES256");
    const tokens = [
      await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT", kid: "k1" }).sign(secret),
      await new SignJWT(claims).setProtectedHeader({ alg: "RS256" }).setIssuedAt(1700000000).sign(rsa.privateKey),
      await new SignJWT(claims).setProtectedHeader({ alg: "ES256" }).setAudience(["a", "b"]).sign(ec.privateKey),
    ];
    const outcomes = await runCases(tokens.map((t) => ({ fn: "io.jwt.decode", args: [t] })));
    tokens.forEach((t, i) => {
      const [h, p, s] = t.split(".");
      expect(outcomes[i]).toEqual({
        value: [
          JSON.parse(Buffer.from(h, "base64url").toString()),
          JSON.parse(Buffer.from(p, "base64url").toString()),
          Buffer.from(s, "base64url").toString("hex"),
        ],
      });
    });
  });
});
