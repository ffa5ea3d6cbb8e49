# METADATA
# title: Tests for regent.authn
# description: 401 for every way of being unauthenticated, claim type checks for the rest.
package regent.authn_test

import data.regent.authn
import data.regent.fixtures

test_missing_token_gets_bare_challenge if {
	denials := authn.deny with input as {"identity": {"authenticated": false, "reason": "missing_token"}}
		with data.regent.config as fixtures.config
	denials == {{
		"status": 401,
		"reason": "unauthenticated:missing_token",
		"headers": {"www-authenticate": "Bearer realm=\"regent-test\""},
	}}
}

test_expired_token_gets_invalid_token_challenge if {
	denials := authn.deny with input as {"identity": {"authenticated": false, "reason": "expired"}}
		with data.regent.config as fixtures.config
	some d in denials
	d.status == 401
	d.headers["www-authenticate"] == "Bearer realm=\"regent-test\", error=\"invalid_token\""
	d.reason == "unauthenticated:expired"
}

test_no_identity_at_all_is_unauthenticated if {
	denials := authn.deny with input as {}
		with data.regent.config as {}
	denials == {{
		"status": 401,
		"reason": "unauthenticated:missing_token",
		"headers": {"www-authenticate": "Bearer realm=\"regent\""},
	}}
}

test_authenticated_string_true_is_not_authenticated if {
	not authn.authenticated with input as {"identity": {"authenticated": "true", "subject": "alice", "tenant": "acme"}}
}

test_unauthenticated_caller_gets_no_claim_errors if {
	denials := authn.deny with input as {"identity": {"authenticated": false, "subject": 7}}
	every d in denials {
		d.status == 401
	}
}

test_valid_user_has_no_denials if {
	count(authn.deny) == 0 with input as {"identity": fixtures.acme_alice}
	authn.subject == "alice" with input as {"identity": fixtures.acme_alice}
	authn.tenant == "acme" with input as {"identity": fixtures.acme_alice}
	authn.roles == ["contributor"] with input as {"identity": fixtures.acme_alice}
	authn.actors == [] with input as {"identity": fixtures.acme_alice}
}

test_missing_subject_is_invalid_claim if {
	identity := object.remove(fixtures.acme_alice, ["subject"])
	authn.deny == {{"status": 403, "reason": "invalid_claim:subject"}} with input as {"identity": identity}
}

test_empty_subject_is_invalid_claim if {
	identity := object.union(fixtures.acme_alice, {"subject": ""})
	authn.deny == {{"status": 403, "reason": "invalid_claim:subject"}} with input as {"identity": identity}
}

test_missing_tenant_is_invalid_claim if {
	identity := object.remove(fixtures.acme_alice, ["tenant"])
	authn.deny == {{"status": 403, "reason": "invalid_claim:tenant"}} with input as {"identity": identity}
}

test_numeric_tenant_is_invalid_claim if {
	identity := object.union(fixtures.acme_alice, {"tenant": 42})
	authn.deny == {{"status": 403, "reason": "invalid_claim:tenant"}} with input as {"identity": identity}
}

test_string_roles_is_invalid_claim if {
	identity := object.union(fixtures.acme_alice, {"roles": "admin"})
	authn.deny == {{"status": 403, "reason": "invalid_claim:roles"}} with input as {"identity": identity}
	authn.roles == [] with input as {"identity": identity}
}

test_missing_roles_means_no_roles if {
	identity := object.remove(fixtures.acme_alice, ["roles"])
	count(authn.deny) == 0 with input as {"identity": identity}
	authn.roles == [] with input as {"identity": identity}
}

test_object_actors_is_invalid_claim if {
	identity := object.union(fixtures.acme_alice, {"actors": {"sub": "svc-rag"}})
	authn.deny == {{"status": 403, "reason": "invalid_claim:actors"}} with input as {"identity": identity}
	authn.actors == [] with input as {"identity": identity}
}

test_numeric_purpose_is_invalid_claim if {
	identity := object.union(fixtures.acme_alice, {"purpose": 1})
	authn.deny == {{"status": 403, "reason": "invalid_claim:purpose"}} with input as {"identity": identity}
	not authn.purpose with input as {"identity": identity}
}

test_purpose_is_exposed if {
	identity := object.union(fixtures.acme_alice, {"purpose": "fraud-review"})
	authn.purpose == "fraud-review" with input as {"identity": identity}
}
