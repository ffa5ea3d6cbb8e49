# METADATA
# title: Tests for regent.tools
# description: Grants per role and tenant, narrowing along the act chain, step-up, argument rules, MCP errors, budgets.
package regent.tools_test

import data.regent.fixtures
import data.regent.tools

step_up_config := object.union(fixtures.config, {"destructive_tool_scope": "tools:destructive", "step_up_max_age_seconds": 600})

eval(inp) := {"deny": d, "reserve": r, "metadata": m} if {
	d := tools.deny with input as inp
		with data.regent.config as fixtures.config
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.services as fixtures.services
		with data.regent.tenants as fixtures.tenants
		with data.regent.tool_catalog as fixtures.tool_catalog
		with data.regent.mcp as fixtures.mcp
	r := tools.reserve_calls with input as inp
		with data.regent.config as fixtures.config
		with data.regent.routes as fixtures.routes
		with data.regent.tool_catalog as fixtures.tool_catalog
		with data.regent.tenants as fixtures.tenants
	m := tools.metadata with input as inp
		with data.regent.routes as fixtures.routes
}

reasons(inp) := {d.reason | some d in eval(inp).deny}

agent := fixtures.user("ada", "acme", ["agent-user"])

admin := fixtures.user("rex", "acme", ["repo-admin"])

call(tool, args) := fixtures.mcp_call(0, tool, args)

str(v) := {"type": "string", "size": count(v) + 2, "value": v}

read(uri) := {"index": 0, "id": 1, "method": "resources/read", "notification": false, "resource": uri}

method(name) := {"index": 0, "id": 1, "method": name, "notification": false}

chat(tools_input) := object.union(fixtures.chat("/v1/tenants/acme/chat/completions", agent, {"model": "gpt-4o"}), {"ai": {"tools": tools_input}})

with_claims(identity, claims) := object.union(identity, {"claims": claims})

test_granted_tool_is_allowed_and_reserves_its_budget if {
	r := eval(fixtures.mcp_input(agent, [call("search_docs", {"query": {"type": "string", "size": 9}})]))
	r.deny == set()
	r.reserve == [{"key": "tool:acme:search_docs", "calls": 1, "limit": 100, "window_seconds": 3600}]
	r.metadata == {"tools": ["search_docs"]}
}

test_tool_not_held_by_any_role_is_denied if {
	reasons(fixtures.mcp_input(agent, [call("delete_repo", {})])) == {"tool_not_granted"}
	reasons(fixtures.mcp_input(fixtures.acme_alice, [call("search_docs", {})])) == {"tool_not_granted"}
}

test_tool_not_enabled_for_the_tenant if {
	globex := fixtures.user("gus", "globex", ["agent-user"])
	reasons(fixtures.mcp_input(globex, [call("create_issue", {})])) == {"tool_not_enabled_for_tenant"}
	reasons(fixtures.mcp_input(globex, [call("search_docs", {})])) == set()
}

test_actor_passes_on_only_what_it_holds if {
	via := fixtures.via(agent, ["svc-agent"])
	reasons(fixtures.mcp_input(via, [call("search_docs", {})])) == set()
	reasons(fixtures.mcp_input(via, [call("create_issue", {})])) == {"tool_delegation_not_permitted"}
}

test_narrowing_is_the_intersection_of_the_whole_chain if {
	args := {"path": str("/srv/tenants/acme/a.md")}
	reasons(fixtures.mcp_input(fixtures.via(agent, ["svc-agent"]), [call("read_file", args)])) == set()
	reasons(fixtures.mcp_input(fixtures.via(agent, ["svc-agent", "svc-planner"]), [call("read_file", args)])) == {"tool_delegation_not_permitted"}
	reasons(fixtures.mcp_input(fixtures.via(agent, ["svc-evil"]), [call("search_docs", {})])) == {"tool_delegation_not_permitted"}
}

test_actor_holding_a_tool_does_not_give_it_to_the_user if {
	# svc-agent holds delete_repo, the user does not: the union would allow it, the intersection does not.
	reasons(fixtures.mcp_input(fixtures.via(agent, ["svc-agent"]), [call("delete_repo", {})])) == {"tool_not_granted"}
}

test_destructive_tool_needs_a_step_up if {
	d := eval(fixtures.mcp_input(admin, [call("delete_repo", {})])).deny
	d == {{
		"status": 401, "reason": "step_up_required",
		"headers": {"www-authenticate": `Bearer error="insufficient_user_authentication", error_description="a destructive tool needs a recent login", max_age="300"`},
	}}
}

test_destructive_tool_with_a_fresh_login if {
	now := time.now_ns() / 1000000000
	reasons(fixtures.mcp_input(with_claims(admin, {"auth_time": now - 10}), [call("delete_repo", {})])) == set()
	reasons(fixtures.mcp_input(with_claims(admin, {"auth_time": now - 3600}), [call("delete_repo", {})])) == {"step_up_required"}
	reasons(fixtures.mcp_input(with_claims(admin, {"auth_time": "recently"}), [call("delete_repo", {})])) == {"step_up_required"}
}

test_step_up_age_and_scope_come_from_data if {
	now := time.now_ns() / 1000000000
	inp := fixtures.mcp_input(with_claims(admin, {"auth_time": now - 500}), [call("delete_repo", {})])
	d := tools.deny with input as inp
		with data.regent.config as step_up_config
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.tenants as fixtures.tenants
		with data.regent.tool_catalog as fixtures.tool_catalog
		with data.regent.services as fixtures.services
	d == set()
	scoped := fixtures.mcp_input(object.union(admin, {"scopes": ["tools:destructive"]}), [call("delete_repo", {})])
	e := tools.deny with input as scoped
		with data.regent.config as step_up_config
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.tenants as fixtures.tenants
		with data.regent.tool_catalog as fixtures.tool_catalog
	e == set()
}

test_path_argument_must_stay_under_the_tenant_root if {
	ok := fixtures.mcp_input(agent, [call("read_file", {"path": str("/srv/tenants/acme/docs/a.md")})])
	reasons(ok) == set()
	some bad in ["/srv/tenants/acme/../globex/a.md", "/etc/passwd", "/srv/tenants/acme/./x", "/srv/tenants/acme/a\\..\\b", "/srv/tenants/acmeX/a"]
	reasons(fixtures.mcp_input(agent, [call("read_file", {"path": str(bad)})])) == {"argument_not_allowed"}
}

test_argument_that_cannot_be_inspected_is_refused if {
	long := {"path": {"type": "string", "size": 9000, "value_omitted": "too_long"}}
	reasons(fixtures.mcp_input(agent, [call("read_file", long)])) == {"argument_not_allowed"}
	reasons(fixtures.mcp_input(agent, [call("read_file", {})])) == {"argument_not_allowed"}
	reasons(fixtures.mcp_input(agent, [call("read_file", {"path": {"type": "number", "size": 1, "value": 1}})])) == {"argument_not_allowed"}
}

test_path_rule_without_a_tenant_root_refuses if {
	globex := fixtures.user("gus", "globex", ["agent-user"])
	d := tools.deny with input as fixtures.mcp_input(globex, [call("read_file", {"path": str("/srv/x")})])
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.tenants as object.union(fixtures.tenants, {"globex": {"tools": ["read_file"]}})
		with data.regent.tool_catalog as fixtures.tool_catalog
	{x.reason | some x in d} == {"argument_not_allowed"}
}

test_namespace_argument_must_be_the_tenants_own if {
	reasons(fixtures.mcp_input(agent, [call("query_vectors", {"namespace": str("acme-wiki")})])) == set()
	reasons(fixtures.mcp_input(agent, [call("query_vectors", {"namespace": str("globex-kb")})])) == {"argument_not_allowed"}
	# Listed by two tenants: it belongs to neither.
	reasons(fixtures.mcp_input(agent, [call("query_vectors", {"namespace": str("shared-ns")})])) == {"argument_not_allowed"}
}

test_unknown_argument_rule_fails_closed if {
	d := tools.deny with input as fixtures.mcp_input(agent, [call("create_issue", {"title": str("x")})])
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.tenants as fixtures.tenants
		with data.regent.tool_catalog as object.union(fixtures.tool_catalog, {"create_issue": {"arguments": {"title": "short_text"}}})
	{x.reason | some x in d} == {"argument_not_allowed"}
}

test_batch_with_one_forbidden_call_is_denied_whole if {
	calls := [fixtures.mcp_call(0, "search_docs", {}), fixtures.mcp_call(1, "delete_repo", {}), fixtures.mcp_call(2, "search_docs", {})]
	reasons(fixtures.mcp_input(agent, calls)) == {"tool_not_granted"}
}

test_batch_counts_calls_per_tool if {
	calls := [fixtures.mcp_call(0, "search_docs", {}), fixtures.mcp_call(1, "search_docs", {}), fixtures.mcp_call(2, "create_issue", {})]
	r := eval(fixtures.mcp_input(agent, calls))
	r.deny == set()
	r.reserve == [{"key": "tool:acme:search_docs", "calls": 2, "limit": 100, "window_seconds": 3600}]
	r.metadata == {"tools": ["create_issue", "search_docs"]}
}

test_budget_window_from_data if {
	r := tools.reserve_calls with input as fixtures.mcp_input(agent, [call("search_docs", {})])
		with data.regent.config as {"tool_budget_window_seconds": 60}
		with data.regent.routes as fixtures.routes
		with data.regent.tool_catalog as fixtures.tool_catalog
	r[0].window_seconds == 60
}

test_prompts_are_granted_like_tools if {
	get := {"index": 0, "id": 1, "method": "prompts/get", "notification": false, "prompt": "summarize", "arguments": {}}
	reasons(fixtures.mcp_input(agent, [get])) == set()
	reasons(fixtures.mcp_input(admin, [get])) == {"tool_not_granted"}
}

test_resources_must_be_under_a_tenant_root if {
	reasons(fixtures.mcp_input(agent, [read("file:///srv/tenants/acme/a.md")])) == set()
	reasons(fixtures.mcp_input(agent, [read("file:///srv/tenants/globex/a.md")])) == {"resource_outside_tenant"}
	reasons(fixtures.mcp_input(agent, [read("file:///srv/tenants/acme/../globex/a.md")])) == {"resource_outside_tenant"}
}

test_open_and_unknown_methods if {
	reasons(fixtures.mcp_input(agent, [method("ping"), method("tools/list")])) == set()
	reasons(fixtures.mcp_input(agent, [method("completion/complete")])) == {"mcp_method_not_allowed"}
	reasons(fixtures.mcp_input(agent, [{"index": 0, "id": 1, "notification": false, "response": true}])) == set()
}

test_malformed_mcp_is_a_400_with_its_reason if {
	body_error := object.union(fixtures.http("POST", "/v1/tenants/acme/mcp", agent), {"ai": {"mcp": {"batch": false, "calls": [], "error": "invalid_json"}}})
	eval(body_error).deny == {{"status": 400, "reason": "invalid_mcp:invalid_json"}}
	bad_call := fixtures.mcp_input(agent, [{"index": 0, "notification": false, "error": "invalid_params"}])
	reasons(bad_call) == {"invalid_mcp:invalid_params"}
	reasons(fixtures.http("POST", "/v1/tenants/acme/mcp", agent)) == {"invalid_mcp:not_parsed"}
}

test_mcp_facts_count_only_on_mcp_routes if {
	inp := object.union(fixtures.http("POST", "/v1/tenants/acme/chat/completions", agent), {"ai": {"mcp": {"calls": [call("delete_repo", {})]}}})
	reasons(inp) == set()
}

test_extraction_failure_denies if {
	inp := object.union(fixtures.http("GET", "/v1/models", agent), {"ai": {"extraction_error": "agent_attributes"}})
	reasons(inp) == {"invalid_request:agent_attributes"}
}

test_model_request_tools_need_grants if {
	reasons(chat({"declared": ["search_docs", "web_search"], "calls": [], "results": []})) == set()
	reasons(chat({"declared": ["search_docs", "delete_repo"], "calls": [], "results": []})) == {"tool_not_granted"}
	reasons(chat({"declared": [], "choice": {"mode": "tool", "names": ["run_shell"]}, "calls": [], "results": []})) == {"tool_not_enabled_for_tenant"}
	reasons(chat({"declared": [], "calls": [{"id": "c1", "name": "create_issue", "chars": 2}, {"chars": 0}], "results": []})) == set()
	reasons(chat({"declared": [], "calls": [], "results": [], "error": "invalid_tools"})) == {"invalid_tools"}
}
