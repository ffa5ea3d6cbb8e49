/**
 * The RBAC decision of OPA's Envoy performance page expressed in Cedar: the same users, roles and
 * permissions as bench/policies/rbac.rego, for a peer-engine comparison through @cedar-policy/cedar-wasm.
 */
import { userName } from "../limits/rbac.js";

export const CEDAR_RBAC_POLICIES = `
permit(principal in Role::"guest", action == Action::"GET", resource == Path::"/people");
permit(principal in Role::"admin", action in [Action::"GET", Action::"POST"], resource == Path::"/people");
`;

const uid = (type: string, id: string): { type: string; id: string } => ({ type, id });

export const CEDAR_RBAC_ENTITIES = [
  { uid: uid("User", "alice"), attrs: {}, parents: [uid("Role", "guest")] },
  { uid: uid("User", "bob"), attrs: {}, parents: [uid("Role", "admin")] },
  { uid: uid("Role", "guest"), attrs: {}, parents: [] },
  { uid: uid("Role", "admin"), attrs: {}, parents: [] },
];

export interface CedarRequest {
  principal: { type: string; id: string };
  action: { type: string; id: string };
  resource: { type: string; id: string };
  context: Record<string, never>;
}

/**
 * Maps the Envoy input to a Cedar request the way an adapter in front of Cedar would: Cedar cannot
 * decode Basic credentials, so the caller does it, and that work is inside the timed call.
 */
export function cedarRequest(input: { attributes: { request: { http: { method: string; path: string; headers: Record<string, string> } } } }): CedarRequest | undefined {
  const http = input.attributes.request.http;
  const user = userName(http.headers.authorization);
  if (user === undefined) return undefined;
  return { principal: uid("User", user), action: uid("Action", http.method), resource: uid("Path", http.path), context: {} };
}
