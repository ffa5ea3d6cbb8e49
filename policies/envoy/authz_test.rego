# METADATA
# title: Tests for envoy.authz
# description: The whole decision object, allowed with upstream headers or denied by the first module that objects.
package envoy.authz_test

import data.envoy.authz
import data.regent.fixtures

# Routing and the prompt guard off (no upstreams, no limits), whatever data a bundle brings.
decide(inp) := d if {
	d := authz.allow with input as inp
		with data.regent.config as fixtures.config
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.services as fixtures.services
		with data.regent.plans as fixtures.plans
		with data.regent.tenants as fixtures.tenants
		with data.regent.datasets as fixtures.datasets
		with data.regent.registry as fixtures.registry
		with data.regent.tool_catalog as fixtures.tool_catalog
		with data.regent.mcp as fixtures.mcp
		with data.regent.upstreams as []
		with data.regent.prompt_guard as {}
}

chat := fixtures.chat("/v1/tenants/acme/chat/completions", fixtures.acme_alice, {"model": "gpt-4o", "max_tokens": 512})

test_allowed_chat_decision_object if {
	decide(chat) == {
		"allowed": true,
		"http_status": 200,
		"headers": {"x-regent-subject": "alice", "x-regent-tenant": "acme", "x-regent-decision-id": "d-1"},
		"response_headers_to_add": {"x-regent-decision-id": "d-1"},
		"request_headers_to_remove": ["authorization"],
		"body": "",
		"dynamic_metadata": {
			"decision_id": "d-1", "subject": "alice", "tenant": "acme",
			"operation": "chat", "model": "gpt-4o", "actors": [],
		},
		"reserve_tokens": 512,
		"reserve_calls": [],
		"budget_exhausted_status": 429,
		"reason": "allowed",
	}
}

test_authorization_is_kept_unless_configured if {
	d := authz.allow with input as chat
		with data.regent.config as object.remove(fixtures.config, ["strip_authorization"])
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.plans as fixtures.plans
		with data.regent.tenants as fixtures.tenants
		with data.regent.upstreams as []
	d.allowed == true
	d.request_headers_to_remove == []
}

test_missing_decision_id_still_decides if {
	d := decide(object.remove(chat, ["decision_id"]))
	d.allowed == true
	d.headers["x-regent-decision-id"] == "unknown"
}

test_delegated_allow_lists_the_actors if {
	inp := fixtures.chat("/v1/tenants/acme/chat/completions", fixtures.via(fixtures.acme_alice, ["svc-rag", "svc-gateway"]), {"model": "gpt-4o"})
	d := decide(inp)
	d.allowed == true
	d.headers["x-regent-subject"] == "alice"
	d.dynamic_metadata.actors == ["svc-rag", "svc-gateway"]
	d.reserve_tokens == 4096
}

test_unmetered_allow_reserves_nothing if {
	d := decide(fixtures.http("GET", "/v1/models", fixtures.acme_alice))
	d.allowed == true
	d.reserve_tokens == 0
	d.dynamic_metadata.model == ""
}

test_unauthenticated_gets_a_bare_401 if {
	inp := object.union(chat, {"identity": {"authenticated": false, "reason": "invalid_signature"}})
	decide(inp) == {
		"allowed": false,
		"http_status": 401,
		"headers": {
			"content-type": "application/json",
			"x-regent-decision-id": "d-1",
			"www-authenticate": "Bearer realm=\"regent-test\", error=\"invalid_token\"",
		},
		"response_headers_to_add": {},
		"request_headers_to_remove": [],
		"body": "{\"decision_id\":\"d-1\",\"error\":\"unauthenticated\"}",
		"dynamic_metadata": {"decision_id": "d-1"},
		"reserve_tokens": 0,
		"budget_exhausted_status": 429,
		"reason": "unauthenticated:invalid_signature",
	}
}

test_unauthenticated_learns_nothing_about_the_path if {
	# A malformed path, another tenant and an unknown route all look the same without a token.
	anon := {"authenticated": false, "reason": "missing_token"}
	paths := ["/v1/tenants/globex/../acme/chat/completions", "/v1/tenants/globex/billing", "/nope"]
	every p in paths {
		d := decide(fixtures.http("PUT", p, anon))
		d.http_status == 401
		not d.headers["x-regent-reason"]
		d.body == "{\"decision_id\":\"d-1\",\"error\":\"unauthenticated\"}"
	}
}

test_authenticated_denial_carries_the_reason if {
	inp := fixtures.chat("/v1/tenants/globex/chat/completions", fixtures.acme_alice, {"model": "gpt-4o"})
	d := decide(inp)
	d.allowed == false
	d.http_status == 403
	d.headers["x-regent-reason"] == "tenant_mismatch"
	d.body == "{\"decision_id\":\"d-1\",\"error\":\"tenant_mismatch\"}"
	d.reason == "tenant_mismatch"
	d.reserve_tokens == 0
}

test_invalid_claim_comes_before_everything_else if {
	identity := object.union(fixtures.acme_alice, {"roles": "admin"})
	d := decide(fixtures.chat("/v1/tenants/globex/chat/completions", identity, {"model": "gpt-4o"}))
	d.reason == "invalid_claim:roles"
}

test_malformed_path_before_tenancy if {
	d := decide(fixtures.http("POST", "/v1/tenants/acme/../globex/chat/completions", fixtures.acme_alice))
	d.http_status == 400
	d.reason == "malformed_path"
}

test_unknown_route_is_403 if {
	d := decide(fixtures.http("DELETE", "/v1/tenants/acme/everything", fixtures.acme_alice))
	d.http_status == 403
	d.reason == "no_route"
}

test_payload_too_large_before_tenancy if {
	inp := object.union(fixtures.chat("/v1/tenants/globex/chat/completions", fixtures.acme_alice, {"model": "gpt-4o"}), {"attributes": {"request": {"http": {"size": "70000"}}}})
	d := decide(inp)
	d.http_status == 413
	d.reason == "payload_too_large"
}

test_deputy_before_roles if {
	inp := fixtures.http("PUT", "/v1/tenants/acme/collections/acme-wiki/documents", fixtures.via(fixtures.acme_alice, ["svc-rag"]))
	decide(inp).reason == "delegation_not_permitted"
}

test_missing_permission_is_403 if {
	d := decide(fixtures.http("PUT", "/v1/tenants/acme/billing", fixtures.acme_alice))
	d.http_status == 403
	d.reason == "missing_permission"
}

test_model_denial if {
	d := decide(fixtures.chat("/v1/tenants/acme/chat/completions", fixtures.acme_alice, {"model": "claude-opus"}))
	d.http_status == 403
	d.reason == "model_not_allowed"
}

test_classification_denial if {
	d := decide(fixtures.http("GET", "/v1/tenants/acme/datasets/acme-fraud", fixtures.acme_alice))
	d.http_status == 403
	d.headers["x-regent-reason"] in {"insufficient_clearance", "purpose_required"}
}

test_budget_is_the_last_word if {
	spent := {"remaining": 0, "retry_after_seconds": 120}
	d := decide(object.union(chat, {"budget": spent}))
	d.http_status == 429
	d.headers["retry-after"] == "120"
	d.headers["x-regent-reason"] == "budget_exhausted"
	# Another tenant's request with a spent budget is refused for the tenant, not the budget.
	other := fixtures.chat("/v1/tenants/globex/chat/completions", fixtures.acme_alice, {"model": "gpt-4o"})
	decide(object.union(other, {"budget": spent})).reason == "tenant_mismatch"
}

test_allowed_decision_advertises_the_plans_exhausted_status if {
	inp := fixtures.chat("/v1/chat/completions", fixtures.user("ivy", "initech", ["contributor"]), {"model": "small"})
	d := decide(inp)
	d.allowed == true
	d.budget_exhausted_status == 402
	d.reserve_tokens == 256
}

test_no_grant_default_when_modules_are_silent if {
	# A route whose permission the deputy cannot see: no module denies, nothing grants.
	d := authz.allow with input as fixtures.http("GET", "/v1/models", fixtures.acme_alice)
		with data.regent.config as fixtures.config
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.tenants as fixtures.tenants
		with data.regent.deputy.effective_permissions as set()
	d.allowed == false
	d.reason == "no_grant"
	d.http_status == 403
}

# The same gateway with agents: MCP tools, upstream routing and the prompt guard switched on.
decide_agents(inp) := d if {
	d := authz.allow with input as inp
		with data.regent.config as fixtures.config
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.services as fixtures.services
		with data.regent.plans as fixtures.plans
		with data.regent.tenants as fixtures.tenants
		with data.regent.datasets as fixtures.datasets
		with data.regent.registry as fixtures.registry
		with data.regent.tool_catalog as fixtures.tool_catalog
		with data.regent.mcp as fixtures.mcp
		with data.regent.upstreams as fixtures.upstreams
		with data.regent.prompt_guard as fixtures.prompt_guard
}

test_allowed_mcp_call_reserves_tool_calls if {
	ada := fixtures.user("ada", "acme", ["agent-user"])
	d := decide_agents(fixtures.mcp_input(ada, [fixtures.mcp_call(0, "search_docs", {})]))
	d.allowed == true
	d.reserve_calls == [{"key": "tool:acme:search_docs", "calls": 1, "limit": 100, "window_seconds": 3600}]
	d.dynamic_metadata.tools == ["search_docs"]
	d.reserve_tokens == 0
	# Not an inference route: no upstream is chosen, and a client's own choice is removed.
	d.request_headers_to_remove == ["authorization", "x-regent-upstream"]
}

test_tool_denial_comes_after_roles if {
	ada := fixtures.user("ada", "acme", ["agent-user"])
	d := decide_agents(fixtures.mcp_input(ada, [fixtures.mcp_call(0, "create_issue", {}), fixtures.mcp_call(1, "run_shell", {})]))
	d.http_status == 403
	d.reason == "tool_not_enabled_for_tenant"
}

test_allowed_chat_names_its_upstream_and_flags if {
	inp := object.union(chat, {"ai": {"prompt": {"messages": 1, "chars": 20, "matches": ["ignore_previous"]}}})
	d := decide_agents(inp)
	d.allowed == true
	d.headers["x-regent-upstream"] == "cloud-openai"
	d.headers["x-regent-prompt-flags"] == "ignore_previous"
	d.dynamic_metadata.upstream == "cloud-openai"
	d.dynamic_metadata.prompt_flags == ["ignore_previous"]
	d.request_headers_to_remove == ["authorization"]
}

test_no_allowed_upstream_is_403 if {
	inp := fixtures.chat("/v1/tenants/acme/datasets/acme-fraud/chat/completions", object.union(fixtures.user("ana", "acme", ["analyst"]), {"purpose": "fraud-review"}), {"model": "gpt-4o"})
	d := decide_agents(inp)
	d.http_status == 403
	d.reason == "no_allowed_upstream"
}
