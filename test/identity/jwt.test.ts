/**
 * Token verification with real keys (jose) and real JWKS sources (a file, and an HTTP server on
 * loopback): expiry, audience, issuer, alg none, HS/RS confusion, unknown kid → refresh, caching.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, base64url, type JWK, type CryptoKey } from "jose";
import { createHmac } from "node:crypto";
import { JwksKeySource, TokenVerifier } from "../../src/identity/index.js";

let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
let rsa2: { privateKey: CryptoKey; publicKey: CryptoKey };
let pubJwk: JWK;
let pub2Jwk: JWK;
let served: JWK[] = [];
let server: Server;
let url: string;
const dir = mkdtempSync(join(tmpdir(), "regent-jwt-"));

beforeAll(async () => {
  rsa = await generateKeyPair("RS256", { extractable: true });
  rsa2 = await generateKeyPair("RS256", { extractable: true });
  pubJwk = { ...(await exportJWK(rsa.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  pub2Jwk = { ...(await exportJWK(rsa2.publicKey)), kid: "k2", alg: "RS256", use: "sig" };
  served = [pubJwk];
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address() as { port: number };
  url = `http://127.0.0.1:${a.port}/jwks.json`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const sign = (claims: Record<string, unknown>, key = rsa.privateKey, kid = "k1", alg = "RS256") =>
  new SignJWT(claims).setProtectedHeader({ alg, kid }).setIssuedAt().sign(key);

function verifier(source: JwksKeySource, extra: Partial<ConstructorParameters<typeof TokenVerifier>[0]> = {}) {
  return new TokenVerifier({
    keys: source,
    issuer: ["https://idp.example.com"],
    audience: ["ai-gateway"],
    algorithms: ["RS256", "ES256"],
    clockToleranceSeconds: 5,
    cacheSize: 100,
    ...extra,
  });
}

const base = { iss: "https://idp.example.com", aud: "ai-gateway", sub: "alice" };
const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;

describe("TokenVerifier", () => {
  it("accepts a valid token from a JWKS file and caches it", async () => {
    const file = join(dir, "jwks.json");
    writeFileSync(file, JSON.stringify({ keys: [pubJwk] }));
    const src = new JwksKeySource({ file, cacheSeconds: 600, minRefreshSeconds: 30 });
    const v = verifier(src);
    const token = await sign({ ...base, exp: inOneHour() });
    const r = await v.verify(token);
    expect(r.ok).toBe(true);
    expect(r.ok && r.claims.sub).toBe("alice");
    expect(v.cached(token)).toEqual(r);
  });

  it("names expired, wrong audience, wrong issuer and not-yet-valid tokens", async () => {
    const v = verifier(new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30 }));
    const now = Math.floor(Date.now() / 1000);
    const reasonOf = async (claims: Record<string, unknown>) => {
      const r = await v.verify(await sign(claims));
      return r.ok ? "ok" : r.reason;
    };
    expect(await reasonOf({ ...base, exp: now - 60 })).toBe("expired");
    expect(await reasonOf({ ...base, exp: now - 2 })).toBe("ok"); // inside the 5 s clock tolerance
    expect(await reasonOf({ ...base, aud: "someone-else", exp: now + 60 })).toBe("wrong_audience");
    expect(await reasonOf({ ...base, iss: "https://evil.example.com", exp: now + 60 })).toBe("wrong_issuer");
    expect(await reasonOf({ ...base, nbf: now + 600, exp: now + 6000 })).toBe("not_yet_valid");
  });

  it("never accepts alg none", async () => {
    const v = verifier(new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30 }));
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    const payload = base64url.encode(JSON.stringify({ ...base, exp: inOneHour() }));
    for (const token of [`${header}.${payload}.`, `${header}.${payload}`]) {
      const r = await v.verify(token);
      expect(r.ok).toBe(false);
      expect(!r.ok && ["disallowed_algorithm", "malformed_token"]).toContain(!r.ok && r.reason);
    }
    const r = await v.verify(`${header}.${payload}.`);
    expect(!r.ok && r.reason).toBe("disallowed_algorithm");
  });

  it("refuses an HS256 token signed with the RSA public key (HS/RS confusion), even if HS256 were allowed", async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const forge = (alg: string) => {
      const h = base64url.encode(JSON.stringify({ alg, kid: "k1", typ: "JWT" }));
      const p = base64url.encode(JSON.stringify({ ...base, exp: inOneHour() }));
      const sig = createHmac("sha256", pem).update(`${h}.${p}`).digest("base64url");
      return `${h}.${p}.${sig}`;
    };
    const strict = verifier(new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30 }));
    const r1 = await strict.verify(forge("HS256"));
    expect(!r1.ok && r1.reason).toBe("disallowed_algorithm");
    const lax = verifier(new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30 }), { algorithms: ["RS256", "HS256"] });
    const r2 = await lax.verify(forge("HS256"));
    expect(r2.ok).toBe(false);
  });

  it("rejects a token signed by another key with the same kid", async () => {
    const v = verifier(new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30 }));
    const r = await v.verify(await sign({ ...base, exp: inOneHour() }, rsa2.privateKey, "k1"));
    expect(!r.ok && r.reason).toBe("invalid_signature");
  });

  it("refreshes the JWKS on an unknown kid, at a bounded rate", async () => {
    served = [pubJwk];
    let clock = Date.now();
    const src = new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30, now: () => clock });
    const v = verifier(src, { now: () => clock });
    expect((await v.verify(await sign({ ...base, exp: inOneHour() }))).ok).toBe(true);
    const loadsBefore = src.loads;
    // A key the sidecar has not seen yet: the JWKS does not hold it yet either.
    const t2 = await sign({ ...base, sub: "bob", exp: inOneHour() }, rsa2.privateKey, "k2");
    clock += 31_000;
    const r1 = await v.verify(t2);
    expect(!r1.ok && r1.reason).toBe("unknown_key");
    expect(src.loads).toBe(loadsBefore + 1);
    // Rotation publishes k2; within the min refresh interval the sidecar does not refetch.
    served = [pubJwk, pub2Jwk];
    const t3 = await sign({ ...base, sub: "bob", exp: inOneHour() + 1 }, rsa2.privateKey, "k2");
    const r2 = await v.verify(t3);
    expect(!r2.ok && r2.reason).toBe("unknown_key");
    expect(src.loads).toBe(loadsBefore + 1);
    clock += 31_000;
    const r3 = await v.verify(t3);
    expect(r3.ok).toBe(true);
    expect(src.loads).toBe(loadsBefore + 2);
  });

  it("reports jwks_unavailable when the JWKS cannot be fetched", async () => {
    const v = verifier(new JwksKeySource({ url: "http://127.0.0.1:1/jwks.json", cacheSeconds: 600, minRefreshSeconds: 30 }));
    const r = await v.verify(await sign({ ...base, exp: inOneHour() }));
    expect(!r.ok && r.reason).toBe("jwks_unavailable");
  });

  it("re-verifies a cached token once it expires", async () => {
    let clock = Date.now();
    const src = new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30, now: () => clock });
    const v = verifier(src, { now: () => clock, clockToleranceSeconds: 0 });
    const token = await sign({ ...base, exp: Math.floor(clock / 1000) + 10 });
    expect((await v.verify(token)).ok).toBe(true);
    clock += 11_000;
    expect(v.cached(token)).toBeUndefined();
    const r = await v.verify(token);
    expect(!r.ok && r.reason).toBe("expired");
  });

  it("flags malformed tokens", async () => {
    const v = verifier(new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30 }));
    for (const t of ["not-a-jwt", "a.b.c", "", "....."]) {
      const r = await v.verify(t);
      expect(r.ok).toBe(false);
    }
    const r = await v.verify("abc.def.ghi");
    expect(!r.ok && r.reason).toBe("malformed_token");
  });

  it("evicts cached tokens when a refresh withdraws their key, and refuses the key's new tokens", async () => {
    served = [pubJwk, pub2Jwk];
    let clock = Date.now();
    const src = new JwksKeySource({ url, cacheSeconds: 60, minRefreshSeconds: 5, now: () => clock });
    const v = verifier(src, { now: () => clock });
    const old = await sign({ ...base, exp: inOneHour() }, rsa2.privateKey, "k2");
    const kept = await sign({ ...base, exp: inOneHour() }, rsa.privateKey, "k1");
    expect((await v.verify(old)).ok).toBe(true);
    expect((await v.verify(kept)).ok).toBe(true);
    expect(v.cached(old)?.ok).toBe(true);
    // k2 is withdrawn; the next refresh (here: the cache age passing) takes its tokens out.
    served = [pubJwk];
    clock += 61_000;
    // A cached token's request after the cache age starts the refresh in the background.
    expect(v.cached(kept)?.ok).toBe(true);
    await src.whenIdle();
    expect(v.cached(old)).toBeUndefined();
    expect(v.cached(kept)?.ok).toBe(true);
    const again = await v.verify(old);
    expect(!again.ok && again.reason).toBe("unknown_key");
    const fresh = await v.verify(await sign({ ...base, sub: "new", exp: inOneHour() }, rsa2.privateKey, "k2"));
    expect(!fresh.ok && fresh.reason).toBe("unknown_key");
    served = [pubJwk];
  });

  it("evicts tokens when a kid is re-bound to other key material", async () => {
    served = [pubJwk];
    let clock = Date.now();
    const src = new JwksKeySource({ url, cacheSeconds: 60, minRefreshSeconds: 5, now: () => clock });
    const v = verifier(src, { now: () => clock });
    const token = await sign({ ...base, exp: inOneHour() });
    expect((await v.verify(token)).ok).toBe(true);
    served = [{ ...pub2Jwk, kid: "k1" }];
    clock += 61_000;
    await v.verify(await sign({ ...base, exp: inOneHour() + 5 }, rsa2.privateKey, "k1"));
    expect(v.cached(token)).toBeUndefined();
    served = [pubJwk];
  });

  it("refuses padded or non-canonical base64url spellings of a valid token", async () => {
    const v = verifier(new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30 }));
    const token = await sign({ ...base, exp: inOneHour() });
    expect((await v.verify(token)).ok).toBe(true);
    const [h, p, sig] = token.split(".");
    // RS256 signatures are 256 bytes: 342 base64url characters, the last one carrying 4 spare bits.
    const last = sig!.at(-1)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const flipped = alphabet[alphabet.indexOf(last) ^ 1]!;
    for (const t of [`${h}.${p}.${sig}==`, `${h}.${p}.${sig!.slice(0, -1)}${flipped}`, `${h}==.${p}.${sig}`, `${h}.${p}.${sig!.replace(/-/g, "+")}`]) {
      if (t === token) continue;
      const r = await v.verify(t);
      expect(!r.ok && r.reason, t.slice(-8)).toBe("malformed_token");
    }
  });

  it("can require exp, refuse a future iat beyond the clock tolerance, and check typ", async () => {
    const src = new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30 });
    const strict = verifier(src, { requireExp: true, rejectFutureIat: true, typ: ["JWT", "at+jwt"] });
    const now = Math.floor(Date.now() / 1000);
    const withTyp = (claims: Record<string, unknown>, typ?: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1", ...(typ ? { typ } : {}) }).sign(rsa.privateKey);
    const reason = async (t: string) => {
      const r = await strict.verify(t);
      return r.ok ? "ok" : r.reason;
    };
    expect(await reason(await withTyp({ ...base, exp: now + 60, iat: now }, "JWT"))).toBe("ok");
    expect(await reason(await withTyp({ ...base, exp: now + 60, iat: now }, "application/at+jwt"))).toBe("ok");
    expect(await reason(await withTyp({ ...base, iat: now }, "JWT"))).toBe("missing_exp");
    expect(await reason(await withTyp({ ...base, exp: now + 600, iat: now + 300 }, "JWT"))).toBe("issued_in_future");
    expect(await reason(await withTyp({ ...base, exp: now + 600, iat: now + 3 }, "JWT"))).toBe("ok"); // inside the 5 s tolerance
    expect(await reason(await withTyp({ ...base, exp: now + 60 }, "dpop+jwt"))).toBe("wrong_type");
    expect(await reason(await withTyp({ ...base, exp: now + 60 }))).toBe("wrong_type");
    // Without the options the same tokens pass, as before.
    const lax = verifier(src);
    const r = await lax.verify(await withTyp({ ...base, iat: now + 300 }));
    expect(r.ok).toBe(true);
  });

  it("keeps the token cache within its byte cap, whatever the tokens' sizes", async () => {
    const src = new JwksKeySource({ url, cacheSeconds: 600, minRefreshSeconds: 30 });
    const v = verifier(src, { cacheSize: 100_000, cacheBytes: 256 * 1024 });
    for (let i = 0; i < 40; i++) {
      const t = await sign({ ...base, pad: "x".repeat(20_000), n: i, exp: inOneHour() });
      expect((await v.verify(t)).ok).toBe(true);
      expect(v.cacheBytes).toBeLessThanOrEqual(256 * 1024);
    }
    expect(v.cacheEntries).toBeGreaterThan(0);
    expect(v.cacheEntries).toBeLessThan(40);
  });

  it("refuses a JWKS larger than its byte limit, and keeps the key set it had", async () => {
    served = [pubJwk];
    let clock = Date.now();
    let limitHits = 0;
    const src = new JwksKeySource({ url, cacheSeconds: 1, minRefreshSeconds: 0, maxBytes: 4096, onLimit: () => limitHits++, now: () => clock });
    const v = verifier(src, { now: () => clock });
    const token = await sign({ ...base, exp: inOneHour() });
    expect((await v.verify(token)).ok).toBe(true);
    // The set grows past the limit: the reload fails, the old keys stay in use.
    served = [...Array.from({ length: 20 }, (_, i): JWK => ({ ...pub2Jwk, kid: `big${i}` })), pubJwk];
    clock += 2000;
    const other = await sign({ ...base, sub: "bob", exp: inOneHour() });
    expect((await v.verify(other)).ok).toBe(true);
    expect(limitHits).toBe(1);
    const file = join(dir, "big-jwks.json");
    writeFileSync(file, JSON.stringify({ keys: served }));
    await expect(new JwksKeySource({ file, cacheSeconds: 60, minRefreshSeconds: 0, maxBytes: 4096 }).load()).rejects.toThrow(/limits\.jwks_bytes/);
    served = [pubJwk];
  });
});
