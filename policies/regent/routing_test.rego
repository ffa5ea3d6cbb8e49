# METADATA
# title: Tests for regent.routing
# description: Upstream choice by model, classification and residency; denial when nothing may serve the model.
package regent.routing_test

import data.regent.fixtures
import data.regent.routing

eval(inp) := {"deny": d, "headers": h, "metadata": m} if {
	d := routing.deny with input as inp
		with data.regent.config as fixtures.config
		with data.regent.routes as fixtures.routes
		with data.regent.plans as fixtures.plans
		with data.regent.tenants as fixtures.tenants
		with data.regent.datasets as fixtures.datasets
		with data.regent.upstreams as fixtures.upstreams
	h := routing.headers with input as inp
		with data.regent.config as fixtures.config
		with data.regent.routes as fixtures.routes
		with data.regent.plans as fixtures.plans
		with data.regent.tenants as fixtures.tenants
		with data.regent.datasets as fixtures.datasets
		with data.regent.upstreams as fixtures.upstreams
	m := routing.metadata with input as inp
		with data.regent.config as fixtures.config
		with data.regent.routes as fixtures.routes
		with data.regent.plans as fixtures.plans
		with data.regent.tenants as fixtures.tenants
		with data.regent.datasets as fixtures.datasets
		with data.regent.upstreams as fixtures.upstreams
}

chat(identity, model) := fixtures.chat("/v1/tenants/acme/chat/completions", identity, {"model": model})

grounded(dataset, model) := fixtures.chat(
	concat("/", ["/v1/tenants/acme/datasets", dataset, "chat/completions"]),
	fixtures.user("ana", "acme", ["analyst"]),
	{"model": model},
)

test_unclassified_chat_goes_to_the_first_upstream_serving_the_model if {
	r := eval(chat(fixtures.acme_alice, "gpt-4o"))
	r.deny == set()
	r.headers == {"x-regent-upstream": "cloud-openai"}
	r.metadata == {"upstream": "cloud-openai", "upstream_location": "cloud"}
}

test_first_eligible_upstream_wins if {
	eval(chat(fixtures.acme_alice, "llama-3.1-70b")).headers == {"x-regent-upstream": "onprem-llama"}
}

test_confidential_dataset_may_use_the_cloud if {
	eval(grounded("acme-support", "gpt-4o")).headers == {"x-regent-upstream": "cloud-openai"}
}

test_restricted_dataset_goes_on_prem_only if {
	r := eval(grounded("acme-fraud", "llama-3.1-70b"))
	r.deny == set()
	r.metadata == {"upstream": "onprem-llama", "upstream_location": "on_prem"}
}

test_restricted_dataset_with_a_cloud_only_model_is_denied if {
	r := eval(grounded("acme-fraud", "gpt-4o"))
	r.deny == {{"status": 403, "reason": "no_allowed_upstream"}}
	r.headers == {}
	r.metadata == {}
}

test_stated_classification_counts if {
	inp := object.union(chat(fixtures.acme_alice, "gpt-4o"), {"ai": {"classification": "restricted"}})
	eval(inp).deny == {{"status": 403, "reason": "no_allowed_upstream"}}
}

test_residency_tenant_goes_on_prem_only if {
	vic := fixtures.user("vic", "vault", ["contributor"])
	eval(fixtures.chat("/v1/tenants/vault/chat/completions", vic, {"model": "llama-3.1-70b"})).headers == {"x-regent-upstream": "onprem-llama"}
	r := eval(fixtures.chat("/v1/tenants/vault/chat/completions", vic, {"model": "gpt-4o-mini"}))
	r.deny == {{"status": 403, "reason": "no_allowed_upstream"}}
}

test_no_model_is_left_to_the_models_module if {
	inp := object.union(fixtures.http("POST", "/v1/tenants/acme/chat/completions", fixtures.acme_alice), {"parsed_body": {}})
	eval(inp).deny == set()
}

test_routing_is_off_without_upstreams_and_on_other_routes if {
	h := routing.headers with input as chat(fixtures.acme_alice, "gpt-4o")
		with data.regent.routes as fixtures.routes
		with data.regent.tenants as fixtures.tenants
		with data.regent.plans as fixtures.plans
		with data.regent.upstreams as []
	h == {}
	not routing.enabled with data.regent.upstreams as []
	eval(fixtures.http("GET", "/v1/models", fixtures.acme_alice)).headers == {}
}

test_header_name_comes_from_data if {
	h := routing.headers with input as chat(fixtures.acme_alice, "gpt-4o")
		with data.regent.config as object.union(fixtures.config, {"upstream_header": "x-route-to"})
		with data.regent.routes as fixtures.routes
		with data.regent.plans as fixtures.plans
		with data.regent.tenants as fixtures.tenants
		with data.regent.upstreams as fixtures.upstreams
	h == {"x-route-to": "cloud-openai"}
}
