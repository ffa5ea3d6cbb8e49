/**
 * A hidden cost of the hot path: bearer-token verification. For RS256, ES256 and EdDSA it times
 * jose's own jwtVerify, regent's TokenVerifier on a token it has not seen (first), and on one it has (cached).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type KeyObject } from "jose";
import { measureAsync, measureSync } from "../lib/measure.js";
import { piece } from "../lib/pieces.js";
import { skipped, withRatio, type ScenarioResult } from "../lib/result.js";
import type { Suite, SuiteContext } from "../lib/suite.js";

const ALGS = [
  { alg: "RS256", label: "rs256", opts: { modulusLength: 2048 } },
  { alg: "ES256", label: "es256", opts: {} },
  { alg: "EdDSA", label: "eddsa", opts: { crv: "Ed25519" } },
] as const;

const ISSUER = "https://idp.example.com";
const AUDIENCE = "ai-gateway";

export const jwtSuite: Suite = {
  name: "jwt",
  scenarios: ALGS.flatMap(({ label }) => [`jwt/${label}/jose`, `jwt/${label}/first`, `jwt/${label}/cached`]),
  async run(ctx) {
    const rows: ScenarioResult[] = [];
    const tmp = mkdtempSync(path.join(os.tmpdir(), "regent-bench-jwt-"));
    try {
      for (const a of ALGS) if (ctx.wants(`jwt/${a.label}`)) rows.push(...(await algRows(ctx, a, tmp)));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return rows;
  },
};

interface IdentityModule {
  JwksKeySource: new (o: { file: string; cacheSeconds: number; minRefreshSeconds: number }) => { load(): Promise<void> };
  TokenVerifier: new (o: Record<string, unknown>) => {
    verify(t: string): Promise<{ ok: boolean; reason?: string }>;
    cached(t: string): { ok: boolean } | undefined;
  };
}

type Alg = (typeof ALGS)[number];

async function algRows(ctx: SuiteContext, a: Alg, tmp: string): Promise<ScenarioResult[]> {
  const { publicKey, privateKey } = await generateKeyPair(a.alg, { ...a.opts, extractable: true });
  const kid = `bench-${a.label}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: a.alg, use: "sig" };
  const jwksFile = path.join(tmp, `${a.label}.jwks.json`);
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  // Distinct tokens, signed before timing: a "first" verification must never hit the cache.
  const n = ctx.quick ? 200 : 3_000;
  const tokens = await Promise.all(Array.from({ length: n + 1 }, (_, i) => sign(privateKey, a.alg, kid, `user-${i}`)));
  const rows: ScenarioResult[] = [];

  const wantJose = ctx.wants(`jwt/${a.label}/jose`);
  const wantFirst = ctx.wants(`jwt/${a.label}/first`);
  const wantCached = ctx.wants(`jwt/${a.label}/cached`);
  let jose: ScenarioResult | undefined;
  if (wantJose || wantFirst) {
    ctx.log(`jwt/${a.label}: jose`);
    jose = await measureAsync(
      `jwt/${a.label}/jose`,
      async () => jwtVerify(tokens[0]!, publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: [a.alg] }),
      ctx.quick ? 300 : 5_000,
    );
    rows.push(jose);
  }
  if (!wantFirst && !wantCached) return rows;

  const identity = await piece<IdentityModule>("src/identity/index.ts", []);
  const ok = identity.ok && typeof identity.mod.TokenVerifier === "function" && typeof identity.mod.JwksKeySource === "function";
  if (!ok) {
    const why = identity.ok ? "src/identity/index.ts does not export TokenVerifier and JwksKeySource" : identity.why;
    return [...rows, skipped(`jwt/${a.label}/first`, why), skipped(`jwt/${a.label}/cached`, why)];
  }
  const keys = new identity.mod.JwksKeySource({ file: jwksFile, cacheSeconds: 3600, minRefreshSeconds: 30 });
  await keys.load();
  const verifier = new identity.mod.TokenVerifier({
    keys,
    issuer: [ISSUER],
    audience: [AUDIENCE],
    algorithms: [a.alg],
    clockToleranceSeconds: 30,
    cacheSize: n * 2 + 10,
  });
  // Warm the key set and the code path with the spare token so the first row measures verification only.
  const warm = await verifier.verify(tokens[n]!);
  if (!warm.ok) throw new Error(`TokenVerifier rejected a valid ${a.alg} token: ${warm.reason}`);

  let first: ScenarioResult | undefined;
  if (wantFirst) {
    ctx.log(`jwt/${a.label}: first verification (${n} distinct tokens)`);
    let i = 0;
    // No warm-up calls here (the spare token did that): every timed call gets a token never seen.
    first = await measureAsync(`jwt/${a.label}/first`, async () => verifier.verify(tokens[i++]!), n, 0);
    if (i !== n) throw new Error(`jwt/${a.label}/first used ${i} tokens for ${n} calls`);
    rows.push(jose ? withRatio(first, jose) : first);
  }
  if (!wantCached) return rows;
  await verifier.verify(tokens[0]!);

  ctx.log(`jwt/${a.label}: cached`);
  const token = tokens[0]!;
  if (!verifier.cached(token)?.ok) throw new Error(`TokenVerifier did not cache a verified ${a.alg} token`);
  const cached = measureSync(`jwt/${a.label}/cached`, () => verifier.cached(token), { quick: ctx.quick });
  rows.push(first ? withRatio(cached, first) : cached);
  return rows;
}

function sign(key: CryptoKey | KeyObject, alg: string, kid: string, sub: string): Promise<string> {
  return new SignJWT({ tenant: "acme", roles: ["contributor"], plan: "pro", scope: "chat:write" })
    .setProtectedHeader({ alg, kid, typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime("2h")
    .setJti(`${sub}-${Math.random().toString(36).slice(2)}`)
    .sign(key);
}
