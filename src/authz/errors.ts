/**
 * Error codes of the authz area (the ext_authz sidecar): startup, listening, bundle
 * activation and policy evaluation problems. Documented in docs/errors.md under "authz".
 */
export const AUTHZ_LISTEN = "authz_listen_error";
export const AUTHZ_TLS = "authz_tls_error";
export const AUTHZ_PROTO = "authz_proto_error";
export const AUTHZ_BUNDLE = "authz_bundle_error";
export const AUTHZ_BUNDLE_FETCH = "authz_bundle_fetch_error";
export const AUTHZ_EVAL = "authz_eval_error";
export const AUTHZ_REQUEST_LIMIT = "authz_request_limit_error";
export const AUTHZ_REQUEST_INVALID = "authz_request_invalid_error";
