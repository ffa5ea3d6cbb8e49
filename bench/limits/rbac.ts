/**
 * The RBAC decision of bench/policies/rbac.rego written by hand in TypeScript: the limit the
 * compiled policy is compared with. It follows the Rego rule for rule, including its undefined cases.
 */

const USER_ROLES: Record<string, readonly string[]> = { alice: ["guest"], bob: ["admin"] };
const ROLE_PERMS: Record<string, readonly { method: string; path: string }[]> = {
  guest: [{ method: "GET", path: "/people" }],
  admin: [
    { method: "GET", path: "/people" },
    { method: "POST", path: "/people" },
  ],
};

interface HttpLike {
  method?: unknown;
  path?: unknown;
  headers?: Record<string, unknown>;
}

/** `user_name`: undefined unless the header splits into exactly two parts and the credentials too. */
export function userName(authorization: unknown): string | undefined {
  if (typeof authorization !== "string") return undefined;
  const parts = authorization.split(" ");
  if (parts.length !== 2) return undefined;
  const creds = Buffer.from(parts[1]!, "base64url").toString("utf8").split(":");
  return creds.length === 2 ? creds[0] : undefined;
}

export function rbacAllow(input: { attributes?: { request?: { http?: HttpLike } } }): boolean {
  const http = input.attributes?.request?.http;
  if (!http) return false;
  const user = userName(http.headers?.authorization);
  if (user === undefined || !Object.hasOwn(USER_ROLES, user)) return false;
  for (const role of USER_ROLES[user]!) {
    const perms = Object.hasOwn(ROLE_PERMS, role) ? ROLE_PERMS[role]! : [];
    for (const p of perms) if (p.method === http.method && p.path === http.path) return true;
  }
  return false;
}
