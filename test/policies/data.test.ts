/**
 * Consistency checks on the AI-gateway bundle's data (bundles/ai-gateway/data.yaml): the policies
 * fail closed on bad data, so a typo there silently denies. These checks name the typo instead.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

interface Route { method: string; path: string; operation: string; permission: string; tenant_from?: Record<string, string> }
interface GatewayData {
  config: { realm: string; strip_authorization: boolean; max_body_bytes: number; classification_levels: Record<string, number> };
  routes: Route[];
  role_definitions: Record<string, { permissions: string[]; clearance?: string }>;
  services: Record<string, { spiffe_id?: string; delegable: string[]; max_classification?: string; roles?: string[] }>;
  plans: Record<string, { models: string[]; max_tokens: number; context_window: number; max_body_bytes: number; budget_exhausted_status: number }>;
  tenants: Record<string, { plan: string; models?: string[]; vector_namespaces?: string[] }>;
  datasets: Record<string, { tenant: string; classification: string; purposes?: string[] }>;
  registry: Record<string, Record<string, Record<string, { trained_by: string; approved_by?: string }>>>;
  tool_catalog: Record<string, { destructive?: boolean; arguments?: Record<string, string>; calls_per_window?: number }>;
  mcp: { argument_values: Record<string, string[]>; open_methods: string[] };
  upstreams: { name: string; location: string; models: string[] }[];
  prompt_guard: { max_messages: number; max_chars: number; patterns: Record<string, string>; deny: string[] };
}

// YAML 1.1, as the bundle loader reads it (so `on`/`no` would turn into booleans here too).
const data = (parse(readFileSync(join(ROOT, "bundles", "ai-gateway", "data.yaml"), "utf8"), { version: "1.1" }) as { regent: GatewayData }).regent;
const levels = data.config.classification_levels;
const permissions = new Set(Object.values(data.role_definitions).flatMap((r) => r.permissions));

describe("bundles/ai-gateway/data.yaml", () => {
  it("has exactly the keys the policies read", () => {
    expect(Object.keys(data).sort()).toEqual([
      "config", "datasets", "mcp", "plans", "prompt_guard", "registry", "role_definitions", "routes", "services", "tenants",
      "tool_catalog", "upstreams",
    ]);
  });

  it("orders the four classification levels", () => {
    expect(levels).toEqual({ public: 0, internal: 1, confidential: 2, restricted: 3 });
  });

  it("maps every route to a permission some role grants", () => {
    for (const r of data.routes) {
      expect(r.method, JSON.stringify(r)).toMatch(/^(GET|POST|PUT|PATCH|DELETE|\*)$/);
      expect(r.path, JSON.stringify(r)).toMatch(/^\/[^?#%]*$/);
      expect(typeof r.operation).toBe("string");
      expect(permissions, r.path).toContain(r.permission);
    }
  });

  it("has no route shadowed by an earlier one with the same method and path", () => {
    const seen = new Set<string>();
    for (const r of data.routes) {
      const key = `${r.method} ${r.path}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it("gives roles and services known clearances and permissions", () => {
    for (const [name, role] of Object.entries(data.role_definitions)) {
      if (role.clearance !== undefined) expect(Object.keys(levels), name).toContain(role.clearance);
    }
    for (const [name, svc] of Object.entries(data.services)) {
      for (const p of svc.delegable) expect(permissions, `${name} delegable`).toContain(p);
      for (const r of svc.roles ?? []) expect(Object.keys(data.role_definitions), `${name} roles`).toContain(r);
      if (svc.max_classification !== undefined) expect(Object.keys(levels), name).toContain(svc.max_classification);
      if (svc.spiffe_id !== undefined) expect(svc.spiffe_id).toMatch(/^spiffe:\/\/[^/]+\//);
    }
  });

  it("gives every tenant a known plan and a subset of its plan's models", () => {
    for (const [name, t] of Object.entries(data.tenants)) {
      const plan = data.plans[t.plan];
      expect(plan, `${name}.plan`).toBeDefined();
      for (const m of t.models ?? []) expect(plan.models, `${name}.models`).toContain(m);
    }
    for (const [name, p] of Object.entries(data.plans)) {
      expect([402, 429], name).toContain(p.budget_exhausted_status);
      expect(p.max_tokens, name).toBeLessThanOrEqual(p.context_window);
      expect(p.max_body_bytes, name).toBeLessThanOrEqual(data.config.max_body_bytes);
    }
  });

  it("gives every vector namespace exactly one owner, matching its dataset entry", () => {
    const owners = new Map<string, string[]>();
    for (const [tenant, t] of Object.entries(data.tenants)) {
      for (const ns of t.vector_namespaces ?? []) owners.set(ns, [...(owners.get(ns) ?? []), tenant]);
    }
    for (const [ns, list] of owners) {
      expect(list, ns).toHaveLength(1);
      expect(data.datasets[ns]?.tenant, `${ns} needs a datasets entry owned by ${list[0]}`).toBe(list[0]);
    }
  });

  it("classifies every dataset with a known label and owner", () => {
    for (const [name, d] of Object.entries(data.datasets)) {
      expect(Object.keys(data.tenants), name).toContain(d.tenant);
      expect(Object.keys(levels), name).toContain(d.classification);
      if (d.classification === "restricted") expect(d.purposes?.length, `${name} is restricted: list its purposes`).toBeGreaterThan(0);
    }
  });

  it("keeps the model registry per known tenant", () => {
    for (const [tenant, models] of Object.entries(data.registry)) {
      expect(Object.keys(data.tenants)).toContain(tenant);
      for (const versions of Object.values(models)) {
        for (const [v, entry] of Object.entries(versions)) expect(typeof entry.trained_by, v).toBe("string");
      }
    }
  });

  it("names only catalogued tools, and projects every argument a rule checks", () => {
    const tools = new Set(Object.keys(data.tool_catalog));
    const holders: [string, string[] | undefined][] = [
      ...Object.entries(data.role_definitions).map(([n, r]) => [`role ${n}`, (r as { tools?: string[] }).tools] as [string, string[] | undefined]),
      ...Object.entries(data.services).map(([n, v]) => [`service ${n}`, (v as { tools?: string[] }).tools] as [string, string[] | undefined]),
      ...Object.entries(data.tenants).map(([n, t]) => [`tenant ${n}`, (t as { tools?: string[] }).tools] as [string, string[] | undefined]),
    ];
    for (const [who, list] of holders) for (const t of list ?? []) expect(tools, who).toContain(t);
    for (const [tool, entry] of Object.entries(data.tool_catalog)) {
      for (const [arg, rule] of Object.entries(entry.arguments ?? {})) {
        expect(["tenant_path", "tenant_namespace"], `${tool}.${arg}`).toContain(rule);
        expect(data.mcp.argument_values[tool], `${tool}.${arg} must be in mcp.argument_values`).toContain(arg);
      }
    }
  });

  it("serves every upstream model on some plan, and compiles the prompt patterns", () => {
    const planModels = new Set(Object.values(data.plans).flatMap((p) => p.models));
    for (const u of data.upstreams) {
      expect(["cloud", "on_prem"], u.name).toContain(u.location);
      for (const m of u.models) expect(planModels, u.name).toContain(m);
    }
    for (const [id, p] of Object.entries(data.prompt_guard.patterns)) expect(() => new RegExp(p, "i"), id).not.toThrow();
    for (const id of data.prompt_guard.deny) expect(Object.keys(data.prompt_guard.patterns)).toContain(id);
  });
});
