/**
 * The HTTP statuses Envoy's ext_authz accepts in a denied response (envoy.type.v3.StatusCode);
 * the config validator and the decision mapper both refuse any other.
 */
/** Envoy rejects a CheckResponse whose status is not one of these. */
export const ENVOY_STATUS_CODES: ReadonlySet<number> = new Set([
  100, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404,
  405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 426, 428, 429, 431, 500, 501, 502,
  503, 504, 505, 506, 507, 508, 510, 511,
]);
