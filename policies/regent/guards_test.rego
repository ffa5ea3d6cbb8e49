# METADATA
# title: Tests for regent.guards
# description: 413 on size and truncation, 429/402 with Retry-After on spent budgets.
package regent.guards_test

import data.regent.fixtures
import data.regent.guards

result(inp) := {"size": s, "budget": b, "reserve": r} if {
	s := guards.size_deny with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.tenants as fixtures.tenants
		with data.regent.plans as fixtures.plans
		with data.regent.config as fixtures.config
	b := guards.budget_deny with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.tenants as fixtures.tenants
		with data.regent.plans as fixtures.plans
		with data.regent.config as fixtures.config
	r := guards.reserve_tokens with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.tenants as fixtures.tenants
		with data.regent.plans as fixtures.plans
		with data.regent.config as fixtures.config
}

chat(tenant, max_tokens) := fixtures.chat(
	"/v1/chat/completions",
	fixtures.user("alice", tenant, ["contributor"]),
	{"model": "gpt-4o", "max_tokens": max_tokens},
)

sized(inp, size) := object.union(inp, {"attributes": {"request": {"http": {"size": size}}}})

budget(remaining) := {
	"scope": "tenant", "key": "tenant:acme", "limit": 100000, "remaining": remaining,
	"window_seconds": 86400, "reset_at": "2026-11-26T00:00:00Z", "retry_after_seconds": 20000,
}

test_within_limits_passes if {
	r := result(sized(chat("acme", 100), "1024"))
	count(r.size) == 0
	count(r.budget) == 0
	r.reserve == 100
}

test_over_the_global_limit_is_413 if {
	result(sized(chat("acme", 100), "65537")).size == {{"status": 413, "reason": "payload_too_large"}}
	count(result(sized(chat("acme", 100), "65536")).size) == 0
}

test_plan_limit_is_stricter if {
	inp := fixtures.chat("/v1/chat/completions", fixtures.user("i", "initech", ["contributor"]), {"model": "small"})
	result(sized(inp, "8193")).size == {{"status": 413, "reason": "payload_too_large"}}
}

test_content_length_counts_even_when_size_lies if {
	inp := object.union(sized(chat("acme", 100), "10"), {"attributes": {"request": {"http": {"headers": {"content-length": "70000"}}}}})
	result(inp).size == {{"status": 413, "reason": "payload_too_large"}}
}

test_truncated_body_is_413 if {
	inp := object.union(chat("acme", 100), {"truncated_body": true})
	result(inp).size == {{"status": 413, "reason": "payload_too_large"}}
}

test_no_limits_configured_means_no_size_denial if {
	s := guards.size_deny with input as sized(chat("acme", 100), "99999999") with data.regent.config as {}
		with data.regent.tenants as {} with data.regent.plans as {}
	count(s) == 0
}

test_spent_budget_is_429_with_retry_after if {
	inp := object.union(chat("acme", 100), {"budget": budget(0)})
	result(inp).budget == {{"status": 429, "reason": "budget_exhausted", "headers": {"retry-after": "20000"}}}
}

test_budget_smaller_than_the_request_is_denied if {
	inp := object.union(chat("acme", 500), {"budget": budget(499)})
	count(result(inp).budget) == 1
	ok := object.union(chat("acme", 500), {"budget": budget(500)})
	count(result(ok).budget) == 0
}

test_plan_can_answer_402 if {
	inp := object.union(fixtures.chat("/v1/chat/completions", fixtures.user("i", "initech", ["contributor"]), {"model": "small"}), {"budget": budget(3)})
	result(inp).budget == {{"status": 402, "reason": "budget_exhausted", "headers": {"retry-after": "20000"}}}
}

test_retry_after_falls_back_to_the_window if {
	b := object.remove(budget(0), ["retry_after_seconds"])
	inp := object.union(chat("acme", 100), {"budget": b})
	result(inp).budget == {{"status": 429, "reason": "budget_exhausted", "headers": {"retry-after": "86400"}}}
}

test_no_retry_hint_means_no_header if {
	b := object.remove(budget(0), ["retry_after_seconds", "window_seconds"])
	inp := object.union(chat("acme", 100), {"budget": b})
	result(inp).budget == {{"status": 429, "reason": "budget_exhausted", "headers": {}}}
}

test_malformed_budget_counts_as_spent if {
	inp := object.union(chat("acme", 100), {"budget": {"remaining": "lots"}})
	count(result(inp).budget) == 1
}

test_no_budget_input_means_no_budget_denial if {
	count(result(chat("acme", 100)).budget) == 0
}

test_unmetered_routes_ignore_the_budget if {
	inp := object.union(fixtures.http("GET", "/v1/models", fixtures.acme_alice), {"budget": budget(0)})
	r := result(inp)
	count(r.budget) == 0
	r.reserve == 0
}
