/**
 * The identity area's public surface: JWKS key sources, token verification with its cache,
 * the act chain, and the `input.identity` builder.
 */
export { JwksKeySource, JwksUnavailable, type JwksOptions } from "./jwks.js";
export { TokenVerifier, type FailureReason, type VerifyResult, type VerifierOptions } from "./jwt.js";
export { actorChain, MAX_ACTOR_DEPTH, type Actor } from "./actors.js";
export { buildIdentity, extractToken, unauthenticated, type Identity, type ClaimNames } from "./identity.js";
export { ExpiringCache } from "./cache.js";
