# METADATA
# title: Tests for regent.classification
# description: Clearance per level, purpose for restricted data, unknown labels and datasets.
package regent.classification_test

import data.regent.classification
import data.regent.fixtures

deny_for(inp) := d if {
	d := classification.deny with input as inp
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.services as fixtures.services
		with data.regent.datasets as fixtures.datasets
		with data.regent.config as fixtures.config
}

read(dataset, identity) := fixtures.http("GET", concat("/", ["/v1/tenants/acme/datasets", dataset]), identity)

viewer := fixtures.user("vic", "acme", ["viewer"])

lead := fixtures.user("lee", "acme", ["ml-lead"])

test_internal_data_for_a_viewer if {
	count(deny_for(read("acme-wiki", viewer))) == 0
}

test_confidential_data_needs_more_than_a_viewer if {
	deny_for(read("acme-support", viewer)) == {{"status": 403, "reason": "insufficient_clearance"}}
	count(deny_for(read("acme-support", fixtures.acme_alice))) == 0
}

test_restricted_data_needs_clearance_and_purpose if {
	deny_for(read("acme-fraud", fixtures.acme_alice)) == {
		{"status": 403, "reason": "insufficient_clearance"},
		{"status": 403, "reason": "purpose_required"},
	}
	deny_for(read("acme-fraud", lead)) == {{"status": 403, "reason": "purpose_required"}}
	count(deny_for(read("acme-fraud", object.union(lead, {"purpose": "fraud-review"})))) == 0
}

test_restricted_data_with_the_wrong_purpose if {
	deny_for(read("acme-fraud", object.union(lead, {"purpose": "marketing"}))) == {{"status": 403, "reason": "purpose_not_allowed"}}
}

test_restricted_data_without_purposes_is_closed if {
	deny_for(read("acme-hr", object.union(lead, {"purpose": "fraud-review"}))) == {{"status": 403, "reason": "purpose_not_allowed"}}
}

test_unknown_dataset_is_denied if {
	deny_for(read("acme-secret", lead)) == {{"status": 403, "reason": "unknown_dataset"}}
}

test_unknown_label_counts_as_the_highest if {
	deny_for(read("acme-odd", fixtures.acme_alice)) == {
		{"status": 403, "reason": "insufficient_clearance"},
		{"status": 403, "reason": "purpose_required"},
	}
}

test_stated_classification_can_raise_the_level if {
	inp := object.union(read("acme-wiki", viewer), {"ai": {"classification": "confidential"}})
	deny_for(inp) == {{"status": 403, "reason": "insufficient_clearance"}}
}

test_stated_classification_cannot_lower_the_level if {
	inp := object.union(read("acme-support", viewer), {"ai": {"classification": "public"}})
	deny_for(inp) == {{"status": 403, "reason": "insufficient_clearance"}}
}

test_clearance_is_capped_by_the_chain if {
	inp := read("acme-support", fixtures.via(fixtures.acme_alice, ["svc-lister"]))
	deny_for(inp) == {{"status": 403, "reason": "insufficient_clearance"}}
}

test_public_data_for_a_no_clearance_role if {
	datasets := object.union(fixtures.datasets, {"acme-press": {"tenant": "acme", "classification": "public"}})
	d := classification.deny with input as read("acme-press", fixtures.user("bill", "acme", ["billing-admin"]))
		with data.regent.routes as fixtures.routes
		with data.regent.role_definitions as fixtures.role_definitions
		with data.regent.datasets as datasets
		with data.regent.config as fixtures.config
	count(d) == 0
}

test_collections_are_classified_too if {
	inp := fixtures.http("POST", "/v1/tenants/acme/collections/acme-support/query", viewer)
	deny_for(inp) == {{"status": 403, "reason": "insufficient_clearance"}}
}

test_requests_without_data_are_not_classified if {
	count(deny_for(fixtures.http("GET", "/v1/models", viewer))) == 0
}
