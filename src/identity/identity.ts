/**
 * Builds `input.identity` (docs/input-model.md) from a verification result: the subject kept
 * apart from the on-behalf-of actors, the tenant, plan and purpose from configured claims,
 * roles and scopes always as arrays, and the calling workload's SPIFFE ID.
 */
import type { JWTPayload } from "jose";
import { delegation, MAX_ACTOR_DEPTH, type Actor, type DelegationError } from "./actors.js";
import type { FailureReason, VerifyResult } from "./jwt.js";

export interface ClaimNames {
  tenant: string;
  roles: string;
  plan: string;
  purpose: string;
}

export interface Identity {
  authenticated: boolean;
  reason?: FailureReason;
  subject?: string;
  issuer?: string;
  tenant?: string;
  roles: string[];
  scopes: string[];
  plan?: string;
  purpose?: string;
  claims?: JWTPayload;
  actors: Actor[];
  delegated: boolean;
  /** Present when the `act` claim is not a well-formed chain (a string or list, or too deep). */
  delegation_error?: DelegationError;
  workload?: string;
}

/** Pulls the token out of the header value: `Bearer <t>` when a scheme is configured, the raw value otherwise. */
export function extractToken(value: string | undefined, scheme: string): { token?: string; reason?: FailureReason } {
  if (value === undefined || value === "") return { reason: "missing_token" };
  if (!scheme) return { token: value.trim() };
  const sp = value.indexOf(" ");
  if (sp < 0 || value.slice(0, sp).toLowerCase() !== scheme.toLowerCase()) return { reason: "malformed_token" };
  const token = value.slice(sp + 1).trim();
  return token ? { token } : { reason: "missing_token" };
}

export function unauthenticated(reason: FailureReason, workload: string | undefined): Identity {
  const id: Identity = { authenticated: false, reason, roles: [], scopes: [], actors: [], delegated: false };
  if (workload) id.workload = workload;
  return id;
}

export function buildIdentity(result: VerifyResult, names: ClaimNames, workload: string | undefined, maxActDepth = MAX_ACTOR_DEPTH): Identity {
  if (!result.ok) return unauthenticated(result.reason, workload);
  const c = result.claims as Record<string, unknown>;
  const { actors, error } = delegation(c, maxActDepth);
  const id: Identity = {
    authenticated: true,
    roles: asList(claim(c, names.roles)),
    scopes: scopesOf(c),
    claims: result.claims,
    actors,
    // A malformed chain still means someone acts for the user: it is never read as "no deputy".
    delegated: actors.length > 0 || error !== undefined,
  };
  if (error) id.delegation_error = error;
  if (typeof c.sub === "string") id.subject = c.sub;
  if (typeof c.iss === "string") id.issuer = c.iss;
  const tenant = claim(c, names.tenant);
  if (typeof tenant === "string") id.tenant = tenant;
  const plan = claim(c, names.plan);
  if (typeof plan === "string") id.plan = plan;
  const purpose = claim(c, names.purpose);
  if (typeof purpose === "string") id.purpose = purpose;
  if (workload) id.workload = workload;
  return id;
}

/** Claim names may be dotted (`realm_access.roles`), as Keycloak and others nest them. */
function claim(c: Record<string, unknown>, name: string): unknown {
  if (name in c) return c[name];
  let v: unknown = c;
  for (const part of name.split(".")) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function asList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  if (typeof v === "string") return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

function scopesOf(c: Record<string, unknown>): string[] {
  if (typeof c.scope === "string") return c.scope.split(" ").filter(Boolean);
  return asList(c.scp);
}
