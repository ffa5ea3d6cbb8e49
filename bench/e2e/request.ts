/**
 * The AI-gateway benchmark request: a chat-completion CheckRequest with an ES256 bearer token signed
 * by a key made for this run (its JWKS written beside it), serialized and gRPC-framed for the load generators.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { CHAT_BODY, checkRequest, type CheckRequestFixture } from "../fixtures/envoy.js";
import { grpcFrame, loadAuthProto, serializeCheckRequest } from "../lib/proto.js";

export const BENCH_ISSUER = "https://idp.example.com";
export const BENCH_AUDIENCE = "ai-gateway";

export interface BenchClaims {
  sub: string;
  tenant: string;
  roles: string[];
  plan?: string;
  purpose?: string;
}

export const DEFAULT_CLAIMS: BenchClaims = { sub: "alice", tenant: "acme", roles: ["contributor"], plan: "pro" };

export interface BenchRequest {
  token: string;
  jwksFile: string;
  request: CheckRequestFixture;
  bytes: Buffer;
  frame: Buffer;
}

export async function benchRequest(dir: string, claims: BenchClaims = DEFAULT_CLAIMS, path_ = "/v1/tenants/acme/chat/completions", body = CHAT_BODY): Promise<BenchRequest> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "bench-es256", alg: "ES256", use: "sig" };
  const jwksFile = path.join(dir, "jwks.json");
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  const { sub, ...rest } = claims;
  const token = await new SignJWT({ ...rest, scope: "chat:write" })
    .setProtectedHeader({ alg: "ES256", kid: "bench-es256", typ: "JWT" })
    .setIssuer(BENCH_ISSUER)
    .setAudience(BENCH_AUDIENCE)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime("6h")
    .sign(privateKey);
  const request = checkRequest({ method: "POST", path: path_, authorization: `Bearer ${token}`, body });
  const bytes = serializeCheckRequest(loadAuthProto(), request);
  return { token, jwksFile, request, bytes, frame: grpcFrame(bytes) };
}
