/**
 * The agent modules of policies/ (regent.tools, regent.routing, regent.prompts) ported by hand for
 * the AI-gateway limit in ai-gateway.ts, rule for rule with Rego's undefined semantics and set order.
 */
import { compare, count, eq, get, isObj, max, member, setOf, truthy, type V } from "./rego-values.js";

type Deny = Record<string, V>;
const d = (status: number, reason: string, headers?: V): Deny => (headers === undefined ? { status, reason } : { headers, reason, status });
const str = (v: V): v is string => typeof v === "string";
const num = (v: V): v is number => typeof v === "number";
/** `some x in coll`: the values of an array, object or set. */
const each = (v: V): V[] => (Array.isArray(v) ? v : isObj(v) ? Object.values(v) : []);

/** What the agent modules read from the other modules. */
export interface AgentContext {
  R: V;
  cfg: V;
  id: V;
  ai: V;
  route: V;
  tenant: string | undefined;
  tenantConfig: V;
  roleNames: V[];
  actors: V[];
  model: V;
  inference: boolean;
  stated: V;
  resources: V[];
  resourceLevel: (r: V) => V;
  levelOf: (label: V) => V;
  owners: (c: V) => V[];
}

const escapes = (p: string): boolean => p.split("/").some((s) => s === "." || s === "..") || p.includes("\\");

export function toolsModule(c: AgentContext): { deny: Deny[]; reserveCalls: V[]; metadata: Record<string, V> } {
  const { R, cfg, ai, tenant, tenantConfig } = c;
  const catalog = get(R, "tool_catalog");
  const mcpRoute = get(c.route, "mcp") === true;
  const mcp = get(ai, "mcp");
  const calls = mcpRoute && Array.isArray(get(mcp, "calls")) ? (get(mcp, "calls") as V[]) : [];
  const tools = get(ai, "tools");
  const requested = setOf([
    ...calls.map((x) => (str(get(x, "tool")) ? get(x, "tool") : undefined)),
    ...calls.map((x) => (str(get(x, "prompt")) ? `prompt:${get(x, "prompt") as string}` : undefined)),
    ...each(get(tools, "declared")),
    ...each(get(tools, "choice", "names")),
    ...each(get(tools, "calls")).map((x) => (str(get(x, "name")) ? get(x, "name") : undefined)),
  ]);
  const userTools = setOf(c.roleNames.flatMap((r) => (str(r) ? each(get(R, "role_definitions", r, "tools")) : [])));
  const tenantAllows = (t: V): boolean => member(t, get(tenantConfig, "tools"));
  const chainAllows = (t: V): boolean => c.actors.every((a) => str(get(a, "sub")) && member(t, get(R, "services", get(a, "sub") as string, "tools")));
  const effective = userTools.filter((t) => tenantAllows(t) && chainAllows(t));
  const destructive = requested.filter((t) => member(t, effective) && str(t) && get(catalog, t, "destructive") === true);
  const maxAge = num(get(cfg, "step_up_max_age_seconds")) ? (get(cfg, "step_up_max_age_seconds") as number) : 300;
  const authTime = get(c.id, "claims", "auth_time");
  const fresh = num(authTime) && Date.now() / 1000 - authTime <= maxAge;
  const scope = get(cfg, "destructive_tool_scope");
  const steppedUp = fresh || member(scope, get(c.id, "scopes"));
  const challenge = `Bearer error="insufficient_user_authentication", error_description="a destructive tool needs a recent login", max_age="${Math.trunc(maxAge)}"`;
  const root = get(tenantConfig, "tool_root");
  const underRoot = (p: V): boolean => str(p) && str(root) && p.startsWith(root) && !escapes(p);
  const violates = (call: V, name: string, rule: V): boolean => {
    const value = get(call, "arguments", name, "value");
    if (!str(value)) return true;
    if (rule === "tenant_path" && !underRoot(value)) return true;
    if (rule === "tenant_namespace" && tenant !== undefined && !eq(c.owners(value), [tenant])) return true;
    return !(rule === "tenant_path" || rule === "tenant_namespace");
  };
  const argumentViolation = calls.some((call) => {
    const t = get(call, "tool");
    const rules = str(t) ? get(catalog, t, "arguments") : undefined;
    return isObj(rules) && Object.entries(rules).some(([name, rule]) => violates(call, name, rule));
  });
  const underResourceRoot = (uri: string): boolean => each(get(tenantConfig, "resource_roots")).some((r) => str(r) && uri.startsWith(r) && !escapes(uri));
  const governed = ["tools/call", "prompts/get", "resources/read"];
  const openMethods = get(R, "mcp", "open_methods");

  const deny: Deny[] = [];
  if (truthy(get(ai, "extraction_error"))) deny.push(d(400, "invalid_request:agent_attributes"));
  if (mcpRoute && !truthy(mcp)) deny.push(d(400, "invalid_mcp:not_parsed"));
  if (mcpRoute && str(get(mcp, "error"))) deny.push(d(400, `invalid_mcp:${get(mcp, "error") as string}`));
  for (const x of calls) if (str(get(x, "error"))) deny.push(d(400, `invalid_mcp:${get(x, "error") as string}`));
  if (truthy(get(tools, "error"))) deny.push(d(400, "invalid_tools"));
  if (calls.some((x) => str(get(x, "method")) && !governed.includes(get(x, "method") as string) && !member(get(x, "method"), openMethods))) {
    deny.push(d(403, "mcp_method_not_allowed"));
  }
  if (requested.some((t) => !tenantAllows(t))) deny.push(d(403, "tool_not_enabled_for_tenant"));
  if (requested.some((t) => tenantAllows(t) && !member(t, userTools))) deny.push(d(403, "tool_not_granted"));
  if (requested.some((t) => member(t, userTools) && tenantAllows(t) && !chainAllows(t))) deny.push(d(403, "tool_delegation_not_permitted"));
  if (destructive.length > 0 && !steppedUp) deny.push(d(401, "step_up_required", { "www-authenticate": challenge }));
  if (argumentViolation) deny.push(d(403, "argument_not_allowed"));
  if (calls.some((x) => str(get(x, "resource")) && !underResourceRoot(get(x, "resource") as string))) deny.push(d(403, "resource_outside_tenant"));

  const window = num(get(cfg, "tool_budget_window_seconds")) ? get(cfg, "tool_budget_window_seconds") : 3600;
  const budgeted = setOf(calls.map((x) => get(x, "tool")).filter((t) => str(t) && num(get(catalog, t, "calls_per_window"))));
  const reserveCalls =
    tenant === undefined
      ? []
      : budgeted.map((t) => ({
          key: `tool:${tenant}:${t as string}`,
          calls: calls.filter((x) => eq(get(x, "tool"), t)).length,
          limit: get(catalog, t as string, "calls_per_window"),
          window_seconds: window,
        }));
  return { deny, reserveCalls, metadata: requested.length > 0 ? { tools: requested } : {} };
}

export function routingModule(c: AgentContext): { deny: Deny[]; headers: Record<string, V>; metadata: Record<string, V>; enabled: boolean; header: string; routed: boolean } {
  const upstreams = get(c.R, "upstreams");
  const enabled = (count(upstreams) ?? 0) > 0;
  const active = enabled && c.inference;
  const header = str(get(c.cfg, "upstream_header")) ? (get(c.cfg, "upstream_header") as string) : "x-regent-upstream";
  const sensitivity = max([c.stated, ...c.resources.map(c.resourceLevel).filter((l) => l !== undefined)]);
  const restricted = compare(sensitivity, c.levelOf("restricted")) >= 0;
  const residency = get(c.tenantConfig, "residency");
  const required = setOf([restricted ? "on_prem" : undefined, str(residency) ? residency : undefined]);
  const candidates = each(upstreams).filter((u) => member(c.model, get(u, "models")) && required.every((loc) => eq(get(u, "location"), loc)));
  const upstream = active ? candidates[0] : undefined;
  const name = get(upstream, "name");
  const location = get(upstream, "location");
  const deny = active && c.model !== "" && candidates.length === 0 ? [d(403, "no_allowed_upstream")] : [];
  return {
    deny,
    headers: truthy(upstream) && name !== undefined ? { [header]: name } : {},
    metadata: truthy(upstream) && name !== undefined && location !== undefined ? { upstream: name, upstream_location: location } : {},
    enabled,
    header,
    routed: truthy(upstream),
  };
}

export function promptsModule(c: AgentContext): { deny: Deny[]; headers: Record<string, V>; metadata: Record<string, V> } {
  const guard = get(c.R, "prompt_guard");
  const prompt = c.inference ? get(c.ai, "prompt") : undefined;
  const matches = each(get(prompt, "matches"));
  const denyList = get(guard, "deny");
  const deniedMatches = setOf(matches.filter((m) => member(m, denyList)));
  const flags = setOf(matches.filter((m) => !member(m, denyList)));
  const gt = (a: V, b: V): boolean => a !== undefined && b !== undefined && compare(a, b) > 0;
  const deny: Deny[] = [];
  if ((count(get(prompt, "pattern_errors")) ?? 0) > 0) deny.push(d(503, "prompt_guard_misconfigured"));
  if (gt(get(prompt, "messages"), get(guard, "max_messages"))) deny.push(d(413, "prompt_too_many_messages"));
  if (gt(get(prompt, "chars"), get(guard, "max_chars"))) deny.push(d(413, "prompt_too_long"));
  if (deniedMatches.length > 0) deny.push(d(400, "prompt_pattern_denied"));
  return {
    deny,
    headers: flags.length > 0 ? { "x-regent-prompt-flags": flags.join(",") } : {},
    metadata: flags.length > 0 ? { prompt_flags: flags } : {},
  };
}
