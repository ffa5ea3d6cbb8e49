# METADATA
# title: Tool grants, delegation narrowing, step-up and argument rules
# description: |
#   Which tools a request may use: MCP calls on routes marked mcp (input.ai.mcp: tools/call,
#   prompts/get as "prompt:<name>", resources/read) and the tools a model request offers,
#   chooses or already called (input.ai.tools). A tool must be enabled for the tenant
#   (tenants[t].tools), held by one of the user's roles (role_definitions[r].tools) and, along
#   an act chain, held by every actor too (services[s].tools): the intersection, never the
#   union. Destructive tools need a fresh login or an explicit scope; argument rules keep
#   paths under the tenant's root and namespaces among its own; budgets count calls per tool.
package regent.tools

import data.regent.authn
import data.regent.request
import data.regent.roles
import data.regent.tenancy

catalog := data.regent.tool_catalog

tenant_config := data.regent.tenants[authn.tenant]

mcp_route if request.route.mcp == true

default calls := []

calls := input.ai.mcp.calls if {
	mcp_route
	is_array(input.ai.mcp.calls)
}

# Every capability the request uses, by name: MCP tools and prompts, and model-request tools.
requested contains c.tool if {
	some c in calls
	is_string(c.tool)
}

requested contains concat(":", ["prompt", c.prompt]) if {
	some c in calls
	is_string(c.prompt)
}

requested contains t if some t in input.ai.tools.declared

requested contains t if some t in input.ai.tools.choice.names

requested contains c.name if {
	some c in input.ai.tools.calls
	is_string(c.name)
}

# The user's own tools: the union over the user's roles (a service subject's roles included).
user_tools contains t if {
	some r in roles.names
	some t in data.regent.role_definitions[r].tools
}

tenant_allows(t) if t in tenant_config.tools

# An actor passes on only what it holds itself; an unknown actor holds nothing.
chain_allows(t) if {
	every a in authn.actors {
		t in data.regent.services[a.sub].tools
	}
}

effective_tools := {t | some t in user_tools; tenant_allows(t); chain_allows(t)}

# Only tools the request would otherwise get: a fresh login cannot help with a tool not granted.
destructive contains t if {
	some t in requested
	t in effective_tools
	catalog[t].destructive == true
}

# Step-up (RFC 9470): a login within max_age seconds, or a scope granted for destructive tools.
default max_auth_age := 300

max_auth_age := data.regent.config.step_up_max_age_seconds if is_number(data.regent.config.step_up_max_age_seconds)

fresh_login if {
	is_number(input.identity.claims.auth_time)
	(time.now_ns() / 1000000000) - input.identity.claims.auth_time <= max_auth_age
}

stepped_up if fresh_login

stepped_up if data.regent.config.destructive_tool_scope in input.identity.scopes

challenge := sprintf(`Bearer error="insufficient_user_authentication", error_description="a destructive tool needs a recent login", max_age="%d"`, [max_auth_age])

# Argument rules: catalog[tool].arguments maps an argument name to a rule kind. The argument must
# be there as a string the sidecar projected (data.regent.mcp.argument_values); absent, too long or
# structured, it cannot be checked, so it is refused.
rule_kinds := {"tenant_path", "tenant_namespace"}

violates(c, name, _) if not is_string(c.arguments[name].value)

violates(c, name, "tenant_path") if not under_root(c.arguments[name].value)

violates(c, name, "tenant_namespace") if tenancy.owners(c.arguments[name].value) != {authn.tenant}

# An unknown rule kind is a typo in data: refuse rather than skip it.
violates(_, _, rule) if not rule in rule_kinds

under_root(path) if {
	is_string(path)
	is_string(tenant_config.tool_root)
	startswith(path, tenant_config.tool_root)
	not escapes(path)
}

escapes(path) if {
	some seg in split(path, "/")
	seg in {".", ".."}
}

escapes(path) if contains(path, "\\")

under_resource_root(uri) if {
	some root in tenant_config.resource_roots
	startswith(uri, root)
	not escapes(uri)
}

open_method(m) if m in data.regent.mcp.open_methods

governed := {"tools/call", "prompts/get", "resources/read"}

# Per-tool call budgets, counted per tenant: the server reserves them through the budget store.
default budget_window := 3600

budget_window := data.regent.config.tool_budget_window_seconds if is_number(data.regent.config.tool_budget_window_seconds)

call_counts[t] := count([c | some c in calls; c.tool == t]) if {
	some c in calls
	t := c.tool
	is_number(catalog[t].calls_per_window)
}

default reserve_calls := []

reserve_calls := [{
	"key": concat(":", ["tool", authn.tenant, t]),
	"calls": n,
	"limit": catalog[t].calls_per_window,
	"window_seconds": budget_window,
} |
	some t, n in call_counts
]

default metadata := {}

metadata := {"tools": sort([t | some t in requested])} if count(requested) > 0

deny contains {"status": 400, "reason": "invalid_request:agent_attributes"} if input.ai.extraction_error

deny contains {"status": 400, "reason": "invalid_mcp:not_parsed"} if {
	mcp_route
	not input.ai.mcp
}

deny contains {"status": 400, "reason": concat(":", ["invalid_mcp", input.ai.mcp.error])} if {
	mcp_route
	is_string(input.ai.mcp.error)
}

deny contains {"status": 400, "reason": concat(":", ["invalid_mcp", c.error])} if {
	some c in calls
	is_string(c.error)
}

deny contains {"status": 400, "reason": "invalid_tools"} if input.ai.tools.error

deny contains {"status": 403, "reason": "mcp_method_not_allowed"} if {
	some c in calls
	is_string(c.method)
	not c.method in governed
	not open_method(c.method)
}

deny contains {"status": 403, "reason": "tool_not_enabled_for_tenant"} if {
	some t in requested
	not tenant_allows(t)
}

deny contains {"status": 403, "reason": "tool_not_granted"} if {
	some t in requested
	tenant_allows(t)
	not t in user_tools
}

deny contains {"status": 403, "reason": "tool_delegation_not_permitted"} if {
	some t in requested
	t in user_tools
	tenant_allows(t)
	not chain_allows(t)
}

deny contains {"status": 401, "reason": "step_up_required", "headers": {"www-authenticate": challenge}} if {
	count(destructive) > 0
	not stepped_up
}

deny contains {"status": 403, "reason": "argument_not_allowed"} if {
	some c in calls
	some name, rule in catalog[c.tool].arguments
	violates(c, name, rule)
}

deny contains {"status": 403, "reason": "resource_outside_tenant"} if {
	some c in calls
	is_string(c.resource)
	not under_resource_root(c.resource)
}
