/**
 * Refusals: requests the sidecar denies before any policy runs because the request itself is
 * over a limit or cannot be read. They deny in every fail mode (fail_mode: allow covers only
 * regent's own failures), with a coded reason in the decision log and a metric per limit.
 */
import { deny, type Outcome } from "./decision.js";
import { AUTHZ_REQUEST_INVALID, AUTHZ_REQUEST_LIMIT } from "./errors.js";

/** Each refusal's HTTP status: the one a web server would send for the same fault. */
const STATUS: Record<string, number> = {
  path_too_long: 414,
  too_many_headers: 431,
  headers_too_large: 431,
  body_too_deep: 400,
  metadata_too_deep: 400,
  input_too_deep: 400,
  undecodable_request: 400,
  input_unreadable: 400,
};

export interface Refusal {
  /** Short name, the metric's `limit` label and the body's `error`. */
  limit: string;
  code: string;
  status: number;
  message: string;
}

export function refusal(limit: string, message: string): Refusal {
  const code = limit === "undecodable_request" || limit === "input_unreadable" ? AUTHZ_REQUEST_INVALID : AUTHZ_REQUEST_LIMIT;
  return { limit, code, status: STATUS[limit] ?? 400, message };
}

/** The deny sent for a refusal; the body names the limit, never the request's content. */
export function refusedOutcome(r: Refusal): Outcome {
  const out = deny(
    r.status,
    [{ header: { key: "content-type", value: "application/json" }, appendAction: "OVERWRITE_IF_EXISTS_OR_ADD" }],
    JSON.stringify({ error: r.limit }),
    undefined,
  );
  out.reason = r.limit;
  out.refusal = `${r.code}: ${r.message}`;
  return out;
}
