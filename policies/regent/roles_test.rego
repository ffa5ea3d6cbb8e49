# METADATA
# title: Tests for regent.roles
# description: Permissions and clearance from roles; train, approve and deploy kept apart.
package regent.roles_test

import data.regent.fixtures
import data.regent.roles

deny_for(inp) := d if {
	d := roles.deny with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.services as fixtures.services
		with data.regent.registry as fixtures.registry
		with data.regent.config as fixtures.config
}

clearance_for(identity) := c if {
	c := roles.clearance with input as {"identity": identity}
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.services as fixtures.services
		with data.regent.config as fixtures.config
}

lifecycle(step, version, identity) := fixtures.http("POST", concat("/", ["/v1/tenants/acme/models/fraud-detector/versions", version, step]), identity)

test_viewer_can_chat if {
	inp := fixtures.chat("/v1/tenants/acme/chat/completions", fixtures.user("vic", "acme", ["viewer"]), {"model": "gpt-4o"})
	count(deny_for(inp)) == 0
}

test_viewer_cannot_write_vectors if {
	inp := fixtures.http("PUT", "/v1/tenants/acme/collections/acme-wiki/documents", fixtures.user("vic", "acme", ["viewer"]))
	deny_for(inp) == {{"status": 403, "reason": "missing_permission"}}
}

test_contributor_can_write_vectors if {
	inp := fixtures.http("PUT", "/v1/tenants/acme/collections/acme-wiki/documents", fixtures.acme_alice)
	count(deny_for(inp)) == 0
}

test_auditor_reads_audit_logs_but_not_billing if {
	auditor := fixtures.user("aud", "acme", ["auditor"])
	count(deny_for(fixtures.http("GET", "/v1/tenants/acme/audit-logs", auditor))) == 0
	deny_for(fixtures.http("PUT", "/v1/tenants/acme/billing", auditor)) == {{"status": 403, "reason": "missing_permission"}}
}

test_billing_admin_manages_billing_but_cannot_chat if {
	billing := fixtures.user("bill", "acme", ["billing-admin"])
	count(deny_for(fixtures.http("PUT", "/v1/tenants/acme/billing", billing))) == 0
	chat := fixtures.chat("/v1/tenants/acme/chat/completions", billing, {"model": "gpt-4o"})
	deny_for(chat) == {{"status": 403, "reason": "missing_permission"}}
}

test_no_roles_no_permissions if {
	inp := fixtures.http("GET", "/v1/models", fixtures.user("nobody", "acme", []))
	deny_for(inp) == {{"status": 403, "reason": "missing_permission"}}
}

test_unknown_and_non_string_roles_grant_nothing if {
	inp := fixtures.http("GET", "/v1/models", fixtures.user("nobody", "acme", ["admin", 7, {"role": "viewer"}]))
	deny_for(inp) == {{"status": 403, "reason": "missing_permission"}}
}

test_route_without_permission_grants_nothing if {
	routes := [{"method": "GET", "path": "/v1/models", "operation": "models.list"}]
	inp := fixtures.http("GET", "/v1/models", fixtures.acme_alice)
	d := roles.deny with input as inp with data.regent.routes as routes with data.regent.role_definitions as fixtures.role_definitions
	d == {{"status": 403, "reason": "missing_permission"}}
}

test_service_subject_gets_roles_from_data if {
	indexer := fixtures.user("svc-indexer", "acme", [])
	inp := fixtures.http("PUT", "/v1/tenants/acme/collections/acme-wiki/documents", indexer)
	count(deny_for(inp)) == 0
}

test_clearance_is_the_highest_role_clearance if {
	clearance_for(fixtures.user("x", "acme", ["viewer"])) == 1
	clearance_for(fixtures.user("x", "acme", ["viewer", "ml-lead"])) == 3
	clearance_for(fixtures.user("x", "acme", ["billing-admin"])) == 0
	clearance_for(fixtures.user("x", "acme", [])) == 0
}

test_lead_approves_someone_elses_model if {
	count(deny_for(lifecycle("approve", "v1", fixtures.user("carol", "acme", ["ml-lead"])))) == 0
}

test_nobody_approves_their_own_model if {
	deny_for(lifecycle("approve", "v2", fixtures.user("carol", "acme", ["ml-lead"]))) == {{"status": 403, "reason": "self_approval"}}
}

test_engineer_cannot_approve if {
	deny_for(lifecycle("approve", "v2", fixtures.user("alice", "acme", ["ml-engineer"]))) == {{"status": 403, "reason": "missing_permission"}}
}

test_devops_deploys_an_approved_version if {
	count(deny_for(lifecycle("deploy", "v1", fixtures.user("dave", "acme", ["devops"])))) == 0
}

test_nobody_deploys_an_unapproved_version if {
	deny_for(lifecycle("deploy", "v2", fixtures.user("dave", "acme", ["devops"]))) == {{"status": 403, "reason": "model_not_approved"}}
}

test_self_approved_version_counts_as_unapproved if {
	deny_for(lifecycle("deploy", "v3", fixtures.user("dave", "acme", ["devops"]))) == {{"status": 403, "reason": "model_not_approved"}}
}

test_unknown_version_is_denied if {
	deny_for(lifecycle("deploy", "v9", fixtures.user("dave", "acme", ["devops"]))) == {{"status": 403, "reason": "unknown_model_version"}}
	deny_for(lifecycle("approve", "v9", fixtures.user("carol", "acme", ["ml-lead"]))) == {{"status": 403, "reason": "unknown_model_version"}}
}

test_registry_is_per_tenant if {
	inp := fixtures.http("POST", "/v1/tenants/globex/models/fraud-detector/versions/v1/deploy", fixtures.user("dave", "globex", ["devops"]))
	deny_for(inp) == {{"status": 403, "reason": "unknown_model_version"}}
}
