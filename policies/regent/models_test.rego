# METADATA
# title: Tests for regent.models
# description: Plan and tenant allowlists, conflicting model names, max_tokens and context caps.
package regent.models_test

import data.regent.fixtures
import data.regent.models

result(inp) := {"deny": d, "reserve": r, "model": m} if {
	d := models.deny with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.tenants as fixtures.tenants
		with data.regent.plans as fixtures.plans
	r := models.reserve_tokens with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.tenants as fixtures.tenants
		with data.regent.plans as fixtures.plans
	m := models.model with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.tenants as fixtures.tenants
		with data.regent.plans as fixtures.plans
}

chat(tenant, body) := fixtures.chat("/v1/chat/completions", fixtures.user("alice", tenant, ["contributor"]), body)

test_plan_model_is_allowed if {
	r := result(chat("acme", {"model": "gpt-4o", "max_tokens": 512}))
	count(r.deny) == 0
	r.reserve == 512
	r.model == "gpt-4o"
}

test_model_outside_the_plan_is_denied if {
	r := result(chat("initech", {"model": "gpt-4o", "max_tokens": 100}))
	r.deny == {{"status": 403, "reason": "model_not_allowed"}}
}

test_tenant_allowlist_narrows_the_plan if {
	count(result(chat("globex", {"model": "gpt-4o-mini"})).deny) == 0
	result(chat("globex", {"model": "gpt-4o"})).deny == {{"status": 403, "reason": "model_not_allowed"}}
}

test_header_and_body_must_agree if {
	inp := object.union(chat("acme", {"model": "gpt-4o"}), {"ai": {"model": "gpt-4o-mini"}})
	r := result(inp)
	r.deny == {{"status": 400, "reason": "model_conflict"}}
	r.model == ""
}

test_disallowed_body_model_behind_allowed_header_is_denied if {
	inp := object.union(chat("globex", {"model": "gpt-4o"}), {"ai": {"model": "gpt-4o-mini"}})
	{"status": 403, "reason": "model_not_allowed"} in result(inp).deny
}

test_missing_model_is_denied if {
	inp := fixtures.http("POST", "/v1/chat/completions", fixtures.acme_alice)
	result(inp).deny == {{"status": 400, "reason": "model_missing"}}
}

test_non_string_model_is_not_allowed if {
	r := result(chat("acme", {"model": ["gpt-4o"]}))
	r.deny == {{"status": 403, "reason": "model_not_allowed"}}
}

test_unknown_plan_is_denied if {
	r := result(chat("umbrella", {"model": "gpt-4o"}))
	{"status": 403, "reason": "no_plan"} in r.deny
	r.reserve == 0
}

test_max_tokens_over_the_plan_cap if {
	result(chat("initech", {"model": "small", "max_tokens": 257})).deny == {{"status": 400, "reason": "max_tokens_exceeded"}}
	count(result(chat("initech", {"model": "small", "max_tokens": 256})).deny) == 0
}

test_max_completion_tokens_counts_too if {
	r := result(chat("initech", {"model": "small", "max_tokens": 10, "max_completion_tokens": 300}))
	r.deny == {{"status": 400, "reason": "max_tokens_exceeded"}}
}

test_sidecar_requested_tokens_count if {
	inp := object.union(chat("acme", {"model": "gpt-4o", "max_tokens": 100}), {"ai": {"requested_tokens": 900}})
	result(inp).reserve == 900
}

test_max_tokens_of_the_wrong_type if {
	r := result(chat("acme", {"model": "gpt-4o", "max_tokens": "512"}))
	r.deny == {{"status": 400, "reason": "invalid_max_tokens"}}
	r.reserve == 0
}

test_non_positive_max_tokens_is_invalid if {
	result(chat("acme", {"model": "gpt-4o", "max_tokens": 0})).deny == {{"status": 400, "reason": "invalid_max_tokens"}}
	result(chat("acme", {"model": "gpt-4o", "max_tokens": -5})).deny == {{"status": 400, "reason": "invalid_max_tokens"}}
}

test_silent_request_reserves_the_plan_cap if {
	result(chat("acme", {"model": "gpt-4o"})).reserve == 4096
}

test_context_window_counts_the_prompt if {
	# 2048-token window: 100 bytes (25 tokens) + 256 fits; 8000 bytes (2000 tokens) + 256 does not.
	small := object.union(chat("initech", {"model": "small", "max_tokens": 256}), {"attributes": {"request": {"http": {"size": "100"}}}})
	count(result(small).deny) == 0
	big := object.union(small, {"attributes": {"request": {"http": {"size": "8000"}}}})
	result(big).deny == {{"status": 400, "reason": "context_window_exceeded"}}
}

test_non_inference_routes_skip_model_checks if {
	r := result(fixtures.http("GET", "/v1/models", fixtures.acme_alice))
	count(r.deny) == 0
	r.reserve == 0
}
