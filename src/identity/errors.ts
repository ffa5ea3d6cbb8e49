/**
 * Error codes of the identity area. Token failures are not errors (the policy sees
 * identity.authenticated = false and a reason); only configuration problems are.
 */
export const IDENTITY_JWKS = "identity_jwks_error";
export const IDENTITY_JWKS_LIMIT = "identity_jwks_limit_error";
