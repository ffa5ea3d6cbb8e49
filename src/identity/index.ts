/**
 * The identity area's public surface: JWKS key sources, token verification with its cache,
 * the act chain, and the `input.identity` builder.
 */
export { JwksKeySource, JwksUnavailable, NO_KID, type JwksOptions } from "./jwks.js";
export { TokenVerifier, type FailureReason, type VerifyResult, type VerifierOptions } from "./jwt.js";
export { actorChain, delegation, MAX_ACTOR_DEPTH, type Actor, type DelegationError } from "./actors.js";
export { buildIdentity, extractToken, unauthenticated, type Identity, type ClaimNames } from "./identity.js";
export { ExpiringCache } from "./cache.js";
