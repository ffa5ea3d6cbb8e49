# METADATA
# title: Tests for regent.tenancy
# description: Tenants named in the path, a header and the body; collection and dataset owners.
package regent.tenancy_test

import data.regent.fixtures
import data.regent.tenancy

query(tenant, collection, identity) := fixtures.http("POST", concat("/", ["/v1/tenants", tenant, "collections", collection, "query"]), identity)

deny_for(inp) := d if {
	d := tenancy.deny with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.tenants as fixtures.tenants
		with data.regent.datasets as fixtures.datasets
}

test_own_tenant_and_collection_is_allowed if {
	count(deny_for(query("acme", "acme-support", fixtures.acme_alice))) == 0
}

test_other_tenant_in_path_is_denied if {
	deny_for(query("globex", "globex-kb", fixtures.acme_alice)) == {
		{"status": 403, "reason": "tenant_mismatch"},
		{"status": 403, "reason": "foreign_collection"},
		{"status": 403, "reason": "foreign_dataset"},
	}
}

test_other_tenants_collection_under_own_path_is_denied if {
	deny_for(query("acme", "globex-kb", fixtures.acme_alice)) == {
		{"status": 403, "reason": "foreign_collection"},
		{"status": 403, "reason": "foreign_dataset"},
	}
}

test_admin_roles_do_not_cross_tenants if {
	admin := fixtures.user("root", "acme", ["viewer", "contributor", "auditor", "billing-admin", "ml-lead", "devops"])
	{"status": 403, "reason": "foreign_collection"} in deny_for(query("acme", "globex-kb", admin))
}

test_collection_listed_by_two_tenants_belongs_to_neither if {
	{"status": 403, "reason": "foreign_collection"} in deny_for(query("acme", "shared-ns", fixtures.acme_alice))
}

test_unlisted_collection_is_denied if {
	{"status": 403, "reason": "foreign_collection"} in deny_for(query("acme", "acme-nowhere", fixtures.acme_alice))
}

test_tenant_in_different_case_in_path_is_denied if {
	{"status": 403, "reason": "tenant_mismatch"} in deny_for(query("ACME", "acme-support", fixtures.acme_alice))
}

test_token_tenant_in_different_case_is_unknown if {
	identity := fixtures.user("alice", "Acme", ["contributor"])
	denials := deny_for(query("acme", "acme-support", identity))
	{"status": 403, "reason": "unknown_tenant"} in denials
	{"status": 403, "reason": "tenant_mismatch"} in denials
}

test_unknown_tenant_is_denied if {
	identity := fixtures.user("mallory", "hooli", ["contributor"])
	{"status": 403, "reason": "unknown_tenant"} in deny_for(fixtures.http("GET", "/v1/models", identity))
}

test_missing_tenant_claim_is_left_to_authn if {
	identity := object.remove(fixtures.acme_alice, ["tenant"])
	count(deny_for(query("acme", "acme-support", identity))) == 0
}

test_tenant_header_must_match if {
	body := {"model": "gpt-4o", "messages": []}
	own := object.union(fixtures.chat("/v1/chat/completions", fixtures.acme_alice, body), {"attributes": {"request": {"http": {"headers": {"x-tenant-id": "acme"}}}}})
	count(deny_for(own)) == 0
	other := object.union(own, {"attributes": {"request": {"http": {"headers": {"x-tenant-id": "globex"}}}}})
	deny_for(other) == {{"status": 403, "reason": "tenant_mismatch"}}
}

test_route_without_tenant_source_uses_token_tenant if {
	inp := fixtures.chat("/v1/chat/completions", fixtures.acme_alice, {"model": "gpt-4o"})
	count(deny_for(inp)) == 0
}

test_tenant_body_field_must_match if {
	own := fixtures.chat("/v1/embeddings", fixtures.acme_alice, {"model": "text-embedding-3-small", "input": "hi", "tenant": "acme"})
	count(deny_for(own)) == 0
	other := fixtures.chat("/v1/embeddings", fixtures.acme_alice, {"model": "text-embedding-3-small", "input": "hi", "tenant": "globex"})
	deny_for(other) == {{"status": 403, "reason": "tenant_mismatch"}}
}

test_foreign_dataset_is_denied if {
	inp := fixtures.http("GET", "/v1/tenants/acme/datasets/globex-kb", fixtures.acme_alice)
	deny_for(inp) == {{"status": 403, "reason": "foreign_dataset"}}
}

test_dataset_named_by_sidecar_counts_too if {
	inp := object.union(fixtures.http("GET", "/v1/models", fixtures.acme_alice), {"ai": {"dataset": "globex-kb"}})
	deny_for(inp) == {{"status": 403, "reason": "foreign_dataset"}}
}
