# METADATA
# title: Tests for regent.deputy
# description: Empty and multi-actor act chains, unknown actors, workload binding, services alone.
package regent.deputy_test

import data.regent.deputy
import data.regent.fixtures

mock(inp) := {"deny": d, "permissions": p, "clearance": c} if {
	d := deputy.deny with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.services as fixtures.services
		with data.regent.config as fixtures.config
	p := deputy.effective_permissions with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.services as fixtures.services
		with data.regent.config as fixtures.config
	c := deputy.effective_clearance with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.services as fixtures.services
		with data.regent.config as fixtures.config
}

chat(identity) := fixtures.chat("/v1/tenants/acme/chat/completions", identity, {"model": "gpt-4o"})

upsert(identity) := fixtures.http("PUT", "/v1/tenants/acme/collections/acme-wiki/documents", identity)

test_empty_chain_keeps_the_users_rights if {
	r := mock(chat(fixtures.acme_alice))
	count(r.deny) == 0
	r.permissions == {"models:list", "chat:invoke", "embeddings:create", "vectors:query", "vectors:write", "datasets:read"}
	r.clearance == 2
}

test_one_actor_caps_the_users_rights if {
	r := mock(chat(fixtures.via(fixtures.acme_alice, ["svc-rag"])))
	count(r.deny) == 0
	r.permissions == {"models:list", "chat:invoke", "embeddings:create", "vectors:query"}
	r.clearance == 2
}

test_actor_cannot_do_what_the_user_can_not_delegate if {
	r := mock(upsert(fixtures.via(fixtures.acme_alice, ["svc-rag"])))
	r.deny == {{"status": 403, "reason": "delegation_not_permitted"}}
}

test_actor_rights_never_exceed_the_user if {
	viewer := fixtures.user("vic", "acme", ["viewer"])
	r := mock(chat(fixtures.via(viewer, ["svc-gateway"])))
	r.permissions == {"models:list", "chat:invoke", "vectors:query", "datasets:read"}
	r.clearance == 1
}

test_several_actors_intersect if {
	identity := fixtures.via(fixtures.user("lee", "acme", ["ml-lead", "contributor"]), ["svc-rag", "svc-gateway"])
	r := mock(chat(identity))
	count(r.deny) == 0
	r.permissions == {"models:list", "chat:invoke", "embeddings:create", "vectors:query"}
	r.clearance == 2
}

test_narrowest_actor_in_a_chain_wins if {
	identity := fixtures.via(fixtures.acme_alice, ["svc-gateway", "svc-lister"])
	r := mock(chat(identity))
	r.permissions == {"models:list", "datasets:read"}
	r.deny == {{"status": 403, "reason": "delegation_not_permitted"}}
}

test_actor_without_max_classification_gets_no_clearance if {
	r := mock(chat(fixtures.via(fixtures.acme_alice, ["svc-lister"])))
	r.clearance == -1
}

test_unknown_actor_is_denied if {
	r := mock(chat(fixtures.via(fixtures.acme_alice, ["svc-rag", "svc-evil"])))
	{"status": 403, "reason": "unknown_actor"} in r.deny
	r.permissions == set()
}

test_malformed_actor_entries_are_unknown if {
	identity := object.union(fixtures.acme_alice, {"actors": ["svc-rag"]})
	r := mock(chat(identity))
	{"status": 403, "reason": "unknown_actor"} in r.deny
}

test_actor_must_be_the_mtls_workload if {
	identity := object.union(fixtures.via(fixtures.acme_alice, ["svc-rag"]), {"workload": "spiffe://cluster.local/ns/app/sa/frontend"})
	{"status": 403, "reason": "actor_workload_mismatch"} in mock(chat(identity)).deny
	ok := object.union(identity, {"workload": "spiffe://cluster.local/ns/ai/sa/rag"})
	count(mock(chat(ok)).deny) == 0
}

test_actor_without_spiffe_id_is_not_bound if {
	identity := object.union(fixtures.via(fixtures.acme_alice, ["svc-gateway"]), {"workload": "spiffe://cluster.local/ns/app/sa/frontend"})
	count(mock(chat(identity)).deny) == 0
}

test_service_alone_keeps_its_own_rights_off_user_data if {
	indexer := fixtures.user("svc-indexer", "acme", [])
	count(mock(upsert(indexer)).deny) == 0
	query := fixtures.http("POST", "/v1/tenants/acme/collections/acme-wiki/query", indexer)
	"vectors:query" in mock(query).permissions
	mock(query).deny == {{"status": 403, "reason": "service_without_user"}}
}

test_service_roles_do_not_reach_the_user_through_a_chain if {
	# svc-indexer's own role may write vectors; acting for a viewer it may not.
	identity := fixtures.via(fixtures.user("vic", "acme", ["viewer"]), ["svc-indexer"])
	r := mock(upsert(identity))
	not "vectors:write" in r.permissions
	r.clearance == 1
}

test_malformed_act_claim_is_denied if {
	identity := object.union(fixtures.acme_alice, {"delegation_error": "act_malformed", "delegated": true})
	r := mock(chat(identity))
	{"status": 403, "reason": "malformed_delegation:act_malformed"} in r.deny
}

test_too_deep_act_chain_is_denied_and_still_caps_rights if {
	identity := object.union(fixtures.via(fixtures.acme_alice, ["svc-rag"]), {"delegation_error": "act_too_deep"})
	r := mock(chat(identity))
	{"status": 403, "reason": "malformed_delegation:act_too_deep"} in r.deny
	r.permissions == {"models:list", "chat:invoke", "embeddings:create", "vectors:query"}
}

test_malformed_chain_without_actors_counts_as_delegated if {
	identity := object.union(fixtures.acme_alice, {"delegation_error": "act_malformed"})
	deputy.delegated with input as chat(identity)
}
