/**
 * The shipped examples stay valid: examples/regent.yaml and the Kubernetes ConfigMap's
 * regent.yaml pass the config validator, and every example manifest is well-formed YAML
 * with the fields a mesh operator relies on.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, parse } from "yaml";
import { resolveConfig } from "../../src/config/load.js";
import { ROOT } from "../authz/harness.js";

const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

describe("examples", () => {
  it("examples/regent.yaml is a valid configuration", () => {
    const c = resolveConfig({ fileText: read("examples/regent.yaml"), fileName: "examples/regent.yaml" });
    expect(c.server.addr).toBe("127.0.0.1:9191");
    expect(c.bundle.verification.key_file).toBeDefined();
    expect(c.ai.routes.length).toBeGreaterThan(0);
  });

  it("the Kubernetes ConfigMap holds a valid configuration, mounted where the sidecar reads it", () => {
    const docs = parseAllDocuments(read("examples/kubernetes/deployment.yaml")).map((d) => d.toJS());
    const cm = docs.find((d) => d.kind === "ConfigMap");
    const c = resolveConfig({ fileText: cm.data["regent.yaml"], fileName: "ConfigMap regent.yaml" });
    expect(c.server.admin_addr).toBe("0.0.0.0:8181");
    const dep = docs.find((d) => d.kind === "Deployment");
    const sidecar = dep.spec.template.spec.containers.find((x: any) => x.name === "regent");
    expect(sidecar.args).toEqual(["serve", "--config", "/etc/regent/regent.yaml"]);
    expect(sidecar.securityContext.runAsNonRoot).toBe(true);
    expect(sidecar.readinessProbe.httpGet.path).toBe("/health");
  });

  it("the Envoy config points ext_authz at regent over gRPC, API v3, with the body", () => {
    const envoy = parse(read("examples/envoy.yaml"));
    const hcm = envoy.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    const authz = hcm.http_filters.find((f: any) => f.name === "envoy.filters.http.ext_authz").typed_config;
    expect(authz.transport_api_version).toBe("V3");
    expect(authz.grpc_service.envoy_grpc.cluster_name).toBe("regent");
    expect(authz.with_request_body.max_request_bytes).toBeGreaterThan(0);
    expect(authz.failure_mode_allow).toBe(false);
    const cluster = envoy.static_resources.clusters.find((c: any) => c.name === "regent");
    expect(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: "127.0.0.1", port_value: 9191 });
    expect(cluster.typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].explicit_http_config).toHaveProperty("http2_protocol_options");
  });

  it("examples/regent-redis.yaml is a valid configuration with a Redis budget store", () => {
    const c = resolveConfig({ fileText: read("examples/regent-redis.yaml"), fileName: "examples/regent-redis.yaml" });
    expect(c.budget).toMatchObject({ store: "redis", scopes: ["tenant", "user", "agent", "model"], redis: { unavailable: "fail_closed" } });
    expect(c.server.ext_proc_addr).toBe("127.0.0.1:9192");
  });

  it("the Envoy config settles budgets through ext_proc after ext_authz, at regent's ext_proc port", () => {
    const envoy = parse(read("examples/envoy.yaml"));
    const filters = envoy.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters.map((f: any) => f.name);
    expect(filters).toEqual(["envoy.filters.http.ext_authz", "envoy.filters.http.ext_proc", "envoy.filters.http.router"]);
    const cluster = envoy.static_resources.clusters.find((c: any) => c.name === "regent_ext_proc");
    const port = cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value;
    const c = resolveConfig({ fileText: read("examples/regent.yaml"), fileName: "examples/regent.yaml" });
    expect(c.server.ext_proc_addr).toBe(`127.0.0.1:${port}`);
    const istio = parse(read("examples/istio/envoyfilter-ext-proc.yaml"));
    expect(istio.spec.configPatches[0].patch.value.typed_config.grpc_service.envoy_grpc.cluster_name).toBe(`outbound|${port}||regent.local`);
  });

  it("the Istio provider and the CUSTOM AuthorizationPolicy name each other", () => {
    const mesh = parse(read("examples/istio/meshconfig.yaml"));
    const provider = mesh.spec.meshConfig.extensionProviders[0];
    expect(provider.envoyExtAuthzGrpc).toMatchObject({ service: "regent.local", port: 9191 });
    const policy = parse(read("examples/istio/authorizationpolicy.yaml"));
    expect(policy.spec).toMatchObject({ action: "CUSTOM", provider: { name: provider.name } });
    const se = parse(read("examples/istio/serviceentry.yaml"));
    expect(se.spec.hosts).toContain(provider.envoyExtAuthzGrpc.service);
    expect(se.spec.ports[0]).toMatchObject({ number: 9191, protocol: "GRPC" });
  });
});

describe("routing by classification in the examples", () => {
  // The upstream names the reference policy puts in x-regent-upstream (bundles/ai-gateway/data.yaml).
  const upstreams = (parse(read("bundles/ai-gateway/data.yaml"), { version: "1.1" }).regent.upstreams as { name: string }[]).map((u) => u.name);

  it("Envoy re-matches routes after ext_authz and routes each upstream name to a cluster", () => {
    const envoy = parse(read("examples/envoy.yaml"));
    const hcm = envoy.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    const authz = hcm.http_filters.find((f: any) => f.name === "envoy.filters.http.ext_authz").typed_config;
    expect(authz.clear_route_cache).toBe(true);
    const routes = hcm.route_config.virtual_hosts[0].routes;
    const clusters = new Set(envoy.static_resources.clusters.map((c: any) => c.name));
    for (const name of upstreams) {
      const r = routes.find((x: any) => x.match.headers?.some((h: any) => h.name === "x-regent-upstream" && h.string_match.exact === name));
      expect(r, name).toBeDefined();
      expect(clusters).toContain(r.route.cluster);
      // The same ext_authz settings on every route: a re-match never lands on a route with other checks.
      expect(r.typed_per_filter_config["envoy.filters.http.ext_authz"].check_settings.context_extensions).toEqual({ route: "ai-gateway" });
    }
  });

  it("Istio routes each upstream name and refuses calls without one", () => {
    const docs = parseAllDocuments(read("examples/istio/virtualservice.yaml")).map((d) => d.toJS());
    const vs = docs.find((d) => d.kind === "VirtualService");
    const http = vs.spec.http as any[];
    for (const name of upstreams) expect(http.some((h) => h.match?.[0].headers["x-regent-upstream"].exact === name), name).toBe(true);
    const last = http[http.length - 1];
    expect(last.match).toBeUndefined();
    expect(last.fault.abort).toMatchObject({ httpStatus: 403, percentage: { value: 100 } });
    expect(docs.map((d) => d.kind).sort()).toEqual(["DestinationRule", "Service", "ServiceEntry", "VirtualService"]);
  });
});
