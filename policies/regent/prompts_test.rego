# METADATA
# title: Tests for regent.prompts
# description: Message and character limits, denying and flagging patterns, broken patterns, routes without a guard.
package regent.prompts_test

import data.regent.fixtures
import data.regent.prompts

eval(facts) := {"deny": d, "headers": h, "metadata": m} if {
	inp := object.union(fixtures.chat("/v1/tenants/acme/chat/completions", fixtures.acme_alice, {"model": "gpt-4o"}), {"ai": {"prompt": facts}})
	d := prompts.deny with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.prompt_guard as fixtures.prompt_guard
	h := prompts.headers with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.prompt_guard as fixtures.prompt_guard
	m := prompts.metadata with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.prompt_guard as fixtures.prompt_guard
}

test_small_clean_prompt_passes_unflagged if {
	r := eval({"messages": 2, "chars": 40, "matches": []})
	r == {"deny": set(), "headers": {}, "metadata": {}}
}

test_too_many_messages if {
	eval({"messages": 5, "chars": 40, "matches": []}).deny == {{"status": 413, "reason": "prompt_too_many_messages"}}
}

test_too_many_characters if {
	eval({"messages": 1, "chars": 101, "matches": []}).deny == {{"status": 413, "reason": "prompt_too_long"}}
}

test_denying_pattern if {
	eval({"messages": 1, "chars": 10, "matches": ["secret_key"]}).deny == {{"status": 400, "reason": "prompt_pattern_denied"}}
}

test_other_patterns_only_flag if {
	r := eval({"messages": 1, "chars": 10, "matches": ["pii_email", "ignore_previous"]})
	r.deny == set()
	r.headers == {"x-regent-prompt-flags": "ignore_previous,pii_email"}
	r.metadata == {"prompt_flags": ["ignore_previous", "pii_email"]}
}

test_broken_pattern_fails_closed if {
	eval({"messages": 1, "chars": 10, "matches": [], "pattern_errors": ["bad"]}).deny == {{"status": 503, "reason": "prompt_guard_misconfigured"}}
}

test_only_inference_routes_are_guarded if {
	inp := object.union(fixtures.http("GET", "/v1/models", fixtures.acme_alice), {"ai": {"prompt": {"messages": 99, "chars": 9999, "matches": ["secret_key"]}}})
	d := prompts.deny with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.prompt_guard as fixtures.prompt_guard
	d == set()
}

test_inference_without_a_prompt_is_not_guarded if {
	d := prompts.deny with input as fixtures.chat("/v1/tenants/acme/chat/completions", fixtures.acme_alice, {"model": "gpt-4o"})
		with data.regent.routes as fixtures.routes
		with data.regent.prompt_guard as fixtures.prompt_guard
	d == set()
}
