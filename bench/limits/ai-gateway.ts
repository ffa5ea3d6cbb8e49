/**
 * The AI-gateway decision of policies/ (envoy/authz/allow over bundles/ai-gateway's data) written by
 * hand in TypeScript: the limit the compiled policy is compared with. It ports each module rule for rule,
 * keeping Rego's undefined semantics and set order, so the two are checked to agree before timing.
 */
import { compare, count, eq, get, isObj, marshal, max, member, min, setOf, truthy, type V } from "./rego-values.js";
import { promptsModule, routingModule, toolsModule, type AgentContext } from "./ai-gateway-agents.js";

type Deny = Record<string, V>;
const d = (status: number, reason: string, headers?: V): Deny => (headers === undefined ? { status, reason } : { headers, reason, status });
const str = (v: V): v is string => typeof v === "string";
const nonEmpty = (v: V): string | undefined => (str(v) && v !== "" ? v : undefined);
const num = (v: V): v is number => typeof v === "number";
const gt = (a: V, b: V): boolean => a !== undefined && b !== undefined && compare(a, b) > 0;

export function aiGatewayDecision(input: V, data: V): V {
  const R = get(data, "regent");
  const cfg = get(R, "config");
  const id = get(input, "identity");
  const http = get(input, "attributes", "request", "http");

  // regent.authn
  const authenticated = get(id, "authenticated") === true;
  const failure = str(get(id, "reason")) ? (get(id, "reason") as string) : "missing_token";
  const realm = str(get(cfg, "realm")) ? (get(cfg, "realm") as string) : "regent";
  const challenge = failure === "missing_token" ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", error="invalid_token"`;
  const subject = nonEmpty(get(id, "subject"));
  const tenant = nonEmpty(get(id, "tenant"));
  const roles = Array.isArray(get(id, "roles")) ? (get(id, "roles") as V[]) : [];
  const actors = Array.isArray(get(id, "actors")) ? (get(id, "actors") as V[]) : [];
  const purpose = nonEmpty(get(id, "purpose"));
  const objGet = (o: V, k: string, dflt: V): V => (id === undefined ? undefined : isObj(o) && Object.hasOwn(o, k) ? o[k] : dflt);
  const claimErrors: string[] = [];
  if (!subject) claimErrors.push("subject");
  if (!tenant) claimErrors.push("tenant");
  if (!Array.isArray(objGet(id, "roles", []))) claimErrors.push("roles");
  if (!Array.isArray(objGet(id, "actors", []))) claimErrors.push("actors");
  if (!str(objGet(id, "purpose", ""))) claimErrors.push("purpose");
  const authnDeny = !authenticated
    ? [d(401, `unauthenticated:${failure}`, { "www-authenticate": challenge })]
    : claimErrors.map((c) => d(403, `invalid_claim:${c}`));

  // regent.request
  const method = str(get(http, "method")) ? (get(http, "method") as string).toUpperCase() : "";
  const rawPath = str(get(http, "path")) ? (get(http, "path") as string).split("?")[0]! : "";
  const pp = get(input, "parsed_path");
  const segments: V[] = Array.isArray(pp) ? ["", ...pp] : [""];
  const badSegment = (s: V): boolean => !str(s) || s === "" || s === "." || s === ".." || s.includes("/") || s.includes("\\") || s.includes("%");
  const lowerPath = rawPath.toLowerCase();
  const malformed = segments.some((s, i) => i > 0 && badSegment(s)) || lowerPath.includes("%2f") || lowerPath.includes("%5c");
  const placeholder = (p: string): boolean => p.startsWith("{") && p.endsWith("}");
  const segMatch = (p: string, s: V): boolean => eq(p, s) || ((p === "*" || placeholder(p)) && s !== "");
  const routeMatches = (r: V): boolean => {
    if (!member(get(r, "method"), [method, "*"]) || !str(get(r, "path"))) return false;
    const pattern = (get(r, "path") as string).split("/");
    return pattern.length === segments.length && pattern.every((p, i) => segMatch(p, segments[i]));
  };
  const routesData = get(R, "routes");
  const route = malformed ? undefined : (Array.isArray(routesData) ? routesData : []).find(routeMatches);
  const operation = get(route, "operation") ?? "";
  const permission = get(route, "permission") ?? "";
  const params: Record<string, V> = {};
  if (route !== undefined && str(get(route, "path"))) {
    (get(route, "path") as string).split("/").forEach((p, i) => {
      if (placeholder(p) && i < segments.length) params[[...p].slice(1, -1).join("")] = segments[i];
    });
  }
  const ai = get(input, "ai");
  const collections = setOf([params.collection, get(ai, "collection")]);
  const datasetsReq = setOf([params.dataset, get(ai, "dataset")]);
  const resources = setOf([...collections, ...datasetsReq]);
  const byteCount = (v: V): V => (num(v) ? v : str(v) && /^[0-9]{1,15}$/.test(v) ? Number(v) : undefined);
  const rawSizes = ["rawBody", "raw_body"].map((k) => get(http, k)).map((raw) => (str(raw) ? (count(raw)! * 3) / 4 : undefined));
  const sizes = setOf([
    byteCount(get(http, "size")),
    byteCount(get(http, "headers", "content-length")),
    str(get(http, "body")) ? count(get(http, "body")) : undefined,
    ...rawSizes,
  ]);
  const payloadBytes = sizes.length > 0 ? (max(sizes) as number) : 0;
  const requestDeny: Deny[] = [];
  if (malformed) requestDeny.push(d(400, "malformed_path"));
  if (!malformed && route === undefined) requestDeny.push(d(403, "no_route"));

  // regent.models (what guards needs first)
  const inference = get(route, "inference") === true;
  const tenantConfig = tenant === undefined ? undefined : get(R, "tenants", tenant);
  const planName = get(tenantConfig, "plan");
  const plan = str(planName) ? get(R, "plans", planName) : undefined;
  const body = get(input, "parsed_body");
  const requested = setOf([get(ai, "model"), get(body, "model")]);
  const model = requested.length === 1 ? requested[0] : "";
  const tenantAllows = (m: V): boolean => !truthy(get(tenantConfig, "models")) || member(m, get(tenantConfig, "models"));
  const allowedModel = (m: V): boolean => member(m, get(plan, "models")) && tenantAllows(m);
  const tokenValues = setOf([get(ai, "requested_tokens"), get(body, "max_tokens"), get(body, "max_completion_tokens")]);
  const invalidTokens = tokenValues.some((n) => !(num(n) && n > 0));
  const requestedTokens = tokenValues.length > 0 && !invalidTokens ? max(tokenValues) : undefined;
  let modelsReserve: V = 0;
  if (inference && requestedTokens !== undefined) modelsReserve = requestedTokens;
  else if (inference && requestedTokens === undefined && !invalidTokens && get(plan, "max_tokens") !== undefined) modelsReserve = get(plan, "max_tokens");
  const modelsDeny: Deny[] = [];
  if (inference) {
    if (requested.length === 0) modelsDeny.push(d(400, "model_missing"));
    if (requested.length > 1) modelsDeny.push(d(400, "model_conflict"));
    if (!truthy(plan)) modelsDeny.push(d(403, "no_plan"));
    if (requested.some((m) => !allowedModel(m))) modelsDeny.push(d(403, "model_not_allowed"));
    if (invalidTokens) modelsDeny.push(d(400, "invalid_max_tokens"));
    if (gt(requestedTokens, get(plan, "max_tokens"))) modelsDeny.push(d(400, "max_tokens_exceeded"));
    if (num(modelsReserve) && gt(payloadBytes / 4 + modelsReserve, get(plan, "context_window"))) modelsDeny.push(d(400, "context_window_exceeded"));
  }

  // regent.guards
  const limits = setOf([get(cfg, "max_body_bytes"), get(plan, "max_body_bytes")]);
  const tooLarge = gt(payloadBytes, min(limits)) || get(input, "truncated_body") === true;
  const metered = get(route, "metered") === true;
  const planStatus = get(plan, "budget_exhausted_status");
  const exhaustedStatus = planStatus === 402 || planStatus === 429 ? planStatus : 429;
  const budget = get(input, "budget");
  const remaining = get(budget, "remaining");
  const exhausted = (metered && !num(remaining) && truthy(budget)) || (metered && remaining !== undefined && compare(remaining, max([modelsReserve, 1])) < 0);
  const retryAfter = num(get(budget, "retry_after_seconds")) ? get(budget, "retry_after_seconds") : num(get(budget, "window_seconds")) ? get(budget, "window_seconds") : undefined;
  const retryHeaders = truthy(retryAfter) ? { "retry-after": String(Math.trunc(retryAfter as number)) } : {};
  const guardsReserve = metered ? modelsReserve : 0;
  const sizeDeny = tooLarge ? [d(413, "payload_too_large")] : [];
  const budgetDeny = exhausted ? [d(exhaustedStatus, "budget_exhausted", retryHeaders)] : [];

  // regent.tenancy
  const tenants = get(R, "tenants");
  const known = tenant !== undefined && truthy(get(tenants, tenant));
  const tenantFrom = get(route, "tenant_from");
  const hdr = get(tenantFrom, "header");
  const bodyKey = get(tenantFrom, "body");
  const namedTenants = setOf([params.tenant, str(hdr) ? get(http, "headers", hdr) : undefined, str(bodyKey) ? get(body, bodyKey) : undefined]);
  const owners = (c: V): V[] => setOf(Object.entries(isObj(tenants) ? tenants : {}).filter(([, t]) => member(c, get(t, "vector_namespaces"))).map(([n]) => n));
  const datasets = get(R, "datasets");
  const tenancyDeny: Deny[] = [];
  if (tenant !== undefined && !known) tenancyDeny.push(d(403, "unknown_tenant"));
  if (tenant !== undefined && namedTenants.some((t) => !eq(t, tenant))) tenancyDeny.push(d(403, "tenant_mismatch"));
  if (tenant !== undefined && collections.some((c) => !eq(owners(c), [tenant]))) tenancyDeny.push(d(403, "foreign_collection"));
  if (tenant !== undefined && resources.some((r) => str(r) && get(datasets, r, "tenant") !== undefined && !eq(get(datasets, r, "tenant"), tenant))) {
    tenancyDeny.push(d(403, "foreign_dataset"));
  }

  // regent.roles
  const services = get(R, "services");
  const levels = get(cfg, "classification_levels");
  const subjectRoles = subject === undefined ? undefined : get(services, subject, "roles");
  const names = setOf([...roles, ...(Array.isArray(subjectRoles) ? subjectRoles : [])]);
  const permissions = setOf(names.flatMap((r) => (str(r) && Array.isArray(get(R, "role_definitions", r, "permissions")) ? (get(R, "role_definitions", r, "permissions") as V[]) : [])));
  const granted = setOf(names.map((r) => (str(r) && str(get(R, "role_definitions", r, "clearance")) ? get(levels, get(R, "role_definitions", r, "clearance") as string) : undefined)));
  const clearance = granted.length > 0 ? max(granted) : 0;
  const modelVersion =
    tenant !== undefined && str(params.model) && str(params.version) ? get(R, "registry", tenant, params.model, params.version) : undefined;
  const approved = (v: V): boolean => str(get(v, "approved_by")) && !eq(get(v, "approved_by"), get(v, "trained_by"));
  const lifecycle = permission === "model:approve" || permission === "model:deploy";
  const rolesDeny: Deny[] = [];
  if (route !== undefined && !member(permission, permissions)) rolesDeny.push(d(403, "missing_permission"));
  if (lifecycle && !truthy(modelVersion)) rolesDeny.push(d(403, "unknown_model_version"));
  if (permission === "model:approve" && subject !== undefined && eq(get(modelVersion, "trained_by"), subject)) rolesDeny.push(d(403, "self_approval"));
  if (permission === "model:deploy" && truthy(modelVersion) && !approved(modelVersion)) rolesDeny.push(d(403, "model_not_approved"));

  // regent.deputy
  const delegated = actors.length > 0;
  const svc = (a: V): V => (str(get(a, "sub")) ? get(services, get(a, "sub") as string) : undefined);
  const serviceSubject = subject !== undefined && truthy(get(services, subject));
  const unknownActors = actors.filter((a) => !truthy(svc(a)));
  const effectivePermissions = !delegated ? permissions : permissions.filter((p) => actors.every((a) => member(p, get(svc(a), "delegable"))));
  const actorCap = (a: V): V => {
    const mc = get(svc(a), "max_classification");
    const lvl = str(mc) ? get(levels, mc) : undefined;
    return truthy(lvl) ? lvl : -1;
  };
  const effectiveClearance = !delegated ? clearance : min([clearance, ...actors.map(actorCap)]);
  const deputyDeny: Deny[] = [];
  if (unknownActors.length > 0) deputyDeny.push(d(403, "unknown_actor"));
  const expected = delegated ? get(svc(actors[0]), "spiffe_id") : undefined;
  if (delegated && expected !== undefined && str(get(id, "workload")) && !eq(get(id, "workload"), expected)) deputyDeny.push(d(403, "actor_workload_mismatch"));
  if (delegated && member(permission, permissions) && !member(permission, effectivePermissions)) deputyDeny.push(d(403, "delegation_not_permitted"));
  if (serviceSubject && get(route, "user_data") === true) deputyDeny.push(d(403, "service_without_user"));

  // regent.classification
  const levelValues = isObj(levels) ? Object.values(levels) : [];
  const top = max(levelValues);
  const levelOf = (label: V): V => {
    const l = str(label) ? get(levels, label) : undefined;
    return truthy(l) ? l : top;
  };
  const aiClass = get(ai, "classification");
  const stated = truthy(aiClass) ? levelOf(aiClass) : -1;
  const resourceLevel = (r: V): V => {
    const c = str(r) ? get(datasets, r, "classification") : undefined;
    return c === undefined ? undefined : max([levelOf(c), stated]);
  };
  const restricted = (r: V): boolean => {
    const lvl = resourceLevel(r);
    return lvl !== undefined && compare(lvl, levelOf("restricted")) >= 0;
  };
  const classDeny: Deny[] = [];
  if (resources.some((r) => !truthy(str(r) ? get(datasets, r) : undefined))) classDeny.push(d(403, "unknown_dataset"));
  if (resources.some((r) => gt(resourceLevel(r), effectiveClearance))) classDeny.push(d(403, "insufficient_clearance"));
  if (resources.some((r) => restricted(r) && purpose === undefined)) classDeny.push(d(403, "purpose_required"));
  if (resources.some((r) => restricted(r) && purpose !== undefined && !member(purpose, get(datasets, r as string, "purposes") ?? []))) {
    classDeny.push(d(403, "purpose_not_allowed"));
  }

  // regent.tools, regent.routing, regent.prompts
  const ctx: AgentContext = {
    R, cfg, id, ai, route, tenant, tenantConfig, roleNames: names, actors, model, inference, stated, resources, resourceLevel, levelOf, owners,
  };
  const tools = toolsModule(ctx);
  const routing = routingModule(ctx);
  const prompts = promptsModule(ctx);

  // envoy.authz
  const stages = [
    authnDeny, requestDeny, sizeDeny, tenancyDeny, deputyDeny, rolesDeny, tools.deny, modelsDeny, classDeny, routing.deny, prompts.deny, budgetDeny,
  ];
  const decisionId = str(get(input, "decision_id")) ? (get(input, "decision_id") as string) : "unknown";
  const first = stages.map((s) => setOf(s)).find((s) => s.length > 0)?.[0] as Deny | undefined;
  if (first) {
    const status = first.status as number;
    const headers: Record<string, V> = { "content-type": "application/json", "x-regent-decision-id": decisionId };
    if (status !== 401) headers["x-regent-reason"] = first.reason;
    const extra = isObj(first.headers) ? first.headers : {};
    return {
      allowed: false,
      http_status: status,
      headers: { ...headers, ...extra },
      response_headers_to_add: {},
      request_headers_to_remove: [],
      body: marshal({ error: status === 401 ? "unauthenticated" : first.reason, decision_id: decisionId }),
      dynamic_metadata: { decision_id: decisionId },
      reserve_tokens: 0,
      budget_exhausted_status: exhaustedStatus,
      reason: first.reason,
    };
  }
  if (route !== undefined && member(permission, effectivePermissions)) {
    return {
      allowed: true,
      http_status: 200,
      headers: { "x-regent-subject": subject, "x-regent-tenant": tenant, "x-regent-decision-id": decisionId, ...routing.headers, ...prompts.headers },
      response_headers_to_add: { "x-regent-decision-id": decisionId },
      request_headers_to_remove: setOf([
        get(cfg, "strip_authorization") === true ? "authorization" : undefined,
        routing.enabled && !routing.routed ? routing.header : undefined,
      ]),
      body: "",
      dynamic_metadata: {
        decision_id: decisionId,
        subject,
        tenant,
        operation,
        model,
        actors: actors.map((a) => get(a, "sub")).filter((s) => s !== undefined),
        ...routing.metadata,
        ...tools.metadata,
        ...prompts.metadata,
      },
      reserve_tokens: guardsReserve,
      reserve_calls: tools.reserveCalls,
      budget_exhausted_status: exhaustedStatus,
      reason: "allowed",
    };
  }
  return {
    allowed: false,
    http_status: 403,
    headers: { "content-type": "application/json", "x-regent-reason": "no_grant" },
    response_headers_to_add: {},
    request_headers_to_remove: [],
    body: '{"error":"no_grant"}',
    dynamic_metadata: {},
    reserve_tokens: 0,
    budget_exhausted_status: 429,
    reason: "no_grant",
  };
}
