# METADATA
# title: Tests for regent.request
# description: Route matching, path canonicalisation, resources and payload size.
package regent.request_test

import data.regent.fixtures
import data.regent.request

chat := fixtures.chat("/v1/tenants/acme/chat/completions", fixtures.acme_alice, {"model": "gpt-4o", "messages": []})

test_route_with_tenant_placeholder if {
	request.operation == "chat" with input as chat with data.regent.routes as fixtures.routes
	request.permission == "chat:invoke" with input as chat with data.regent.routes as fixtures.routes
	request.params == {"tenant": "acme"} with input as chat with data.regent.routes as fixtures.routes
	count(request.deny) == 0 with input as chat with data.regent.routes as fixtures.routes
}

test_several_placeholders_and_resources if {
	inp := object.union(
		fixtures.http("POST", "/v1/tenants/acme/collections/acme-support/query", fixtures.acme_alice),
		{"ai": {"dataset": "acme-wiki"}},
	)
	request.params == {"tenant": "acme", "collection": "acme-support"} with input as inp with data.regent.routes as fixtures.routes
	request.collections == {"acme-support"} with input as inp with data.regent.routes as fixtures.routes
	request.resources == {"acme-support", "acme-wiki"} with input as inp with data.regent.routes as fixtures.routes
}

test_method_must_match if {
	inp := fixtures.http("GET", "/v1/tenants/acme/chat/completions", fixtures.acme_alice)
	request.deny == {{"status": 403, "reason": "no_route"}} with input as inp with data.regent.routes as fixtures.routes
	request.operation == "" with input as inp with data.regent.routes as fixtures.routes
	request.params == {} with input as inp with data.regent.routes as fixtures.routes
}

test_method_is_case_insensitive if {
	inp := fixtures.http("get", "/v1/models", fixtures.acme_alice)
	request.operation == "models.list" with input as inp with data.regent.routes as fixtures.routes
}

test_wildcard_method_and_segment if {
	inp := fixtures.http("DELETE", "/v1/status/anything", fixtures.acme_alice)
	request.operation == "status" with input as inp with data.regent.routes as fixtures.routes
}

test_query_string_is_ignored if {
	inp := fixtures.http("GET", "/v1/models?limit=5", fixtures.acme_alice)
	request.operation == "models.list" with input as inp with data.regent.routes as fixtures.routes
}

test_extra_segment_does_not_match if {
	inp := fixtures.http("GET", "/v1/models/gpt-4o/weights", fixtures.acme_alice)
	request.deny == {{"status": 403, "reason": "no_route"}} with input as inp with data.regent.routes as fixtures.routes
}

test_first_matching_route_wins if {
	routes := [
		{"method": "GET", "path": "/v1/models", "operation": "first", "permission": "a"},
		{"method": "GET", "path": "/v1/*", "operation": "second", "permission": "b"},
	]
	inp := fixtures.http("GET", "/v1/models", fixtures.acme_alice)
	request.operation == "first" with input as inp with data.regent.routes as routes
}

test_dot_dot_segment_is_malformed if {
	inp := fixtures.http("POST", "/v1/tenants/acme/../globex/chat/completions", fixtures.acme_alice)
	request.deny == {{"status": 400, "reason": "malformed_path"}} with input as inp with data.regent.routes as fixtures.routes
	not request.route with input as inp with data.regent.routes as fixtures.routes
}

test_dot_segment_is_malformed if {
	inp := fixtures.http("GET", "/v1/./models", fixtures.acme_alice)
	request.deny == {{"status": 400, "reason": "malformed_path"}} with input as inp with data.regent.routes as fixtures.routes
}

test_encoded_slash_decoded_into_a_segment_is_malformed if {
	# /v1/tenants/acme/collections/globex-kb%2F..%2Facme-support/query, decoded per segment.
	inp := object.union(fixtures.http("POST", "/v1/tenants/acme/collections/globex-kb%2F..%2Facme-support/query", fixtures.acme_alice), {
		"parsed_path": ["v1", "tenants", "acme", "collections", "globex-kb/../acme-support", "query"],
	})
	request.deny == {{"status": 400, "reason": "malformed_path"}} with input as inp with data.regent.routes as fixtures.routes
}

test_encoded_slash_in_raw_path_is_malformed if {
	# An implementation that splits after decoding would hand us clean-looking segments.
	inp := object.union(fixtures.http("GET", "/v1%2fmodels", fixtures.acme_alice), {"parsed_path": ["v1", "models"]})
	request.deny == {{"status": 400, "reason": "malformed_path"}} with input as inp with data.regent.routes as fixtures.routes
}

test_encoded_backslash_is_malformed if {
	inp := object.union(fixtures.http("GET", "/v1%5Cmodels", fixtures.acme_alice), {"parsed_path": ["v1", "models"]})
	request.deny == {{"status": 400, "reason": "malformed_path"}} with input as inp with data.regent.routes as fixtures.routes
}

test_double_encoding_is_malformed if {
	inp := object.union(fixtures.http("GET", "/v1/models%252F", fixtures.acme_alice), {"parsed_path": ["v1", "models%2F"]})
	request.deny == {{"status": 400, "reason": "malformed_path"}} with input as inp with data.regent.routes as fixtures.routes
}

test_backslash_and_empty_segments_are_malformed if {
	inp := object.union(fixtures.http("GET", "/v1/models", fixtures.acme_alice), {"parsed_path": ["v1", "a\\b"]})
	request.malformed with input as inp
	empty := fixtures.http("GET", "/v1//models", fixtures.acme_alice)
	request.malformed with input as empty
	trailing := fixtures.http("GET", "/v1/models/", fixtures.acme_alice)
	request.malformed with input as trailing
	odd := object.union(fixtures.http("GET", "/v1/models", fixtures.acme_alice), {"parsed_path": ["v1", 7]})
	request.malformed with input as odd
}

test_missing_parsed_path_matches_nothing if {
	inp := object.remove(fixtures.http("GET", "/v1/models", fixtures.acme_alice), ["parsed_path"])
	request.deny == {{"status": 403, "reason": "no_route"}} with input as inp with data.regent.routes as fixtures.routes
}

test_missing_http_attributes_match_nothing if {
	request.deny == {{"status": 403, "reason": "no_route"}} with input as {"identity": fixtures.acme_alice}
		with data.regent.routes as fixtures.routes
	request.method == "" with input as {}
	request.raw_path == "" with input as {}
}

test_payload_bytes_takes_the_largest_claim if {
	inp := object.union(fixtures.http("POST", "/v1/embeddings", fixtures.acme_alice), {"attributes": {"request": {"http": {
		"size": "10",
		"headers": {"content-length": "2048"},
		"body": "{}",
	}}}})
	request.payload_bytes == 2048 with input as inp
}

test_payload_bytes_from_numeric_size_and_raw_body if {
	inp := object.union(fixtures.http("POST", "/v1/embeddings", fixtures.acme_alice), {"attributes": {"request": {"http": {
		"size": 12,
		"raw_body": "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY",
	}}}})
	request.payload_bytes == 24 with input as inp
	camel := object.union(fixtures.http("POST", "/v1/embeddings", fixtures.acme_alice), {"attributes": {"request": {"http": {
		"rawBody": "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w",
	}}}})
	request.payload_bytes == 42 with input as camel
}

test_payload_bytes_ignores_garbage_sizes if {
	inp := object.union(fixtures.http("POST", "/v1/embeddings", fixtures.acme_alice), {"attributes": {"request": {"http": {
		"size": "-1",
		"headers": {"content-length": "lots"},
		"body": 12,
		"raw_body": ["QUJD"],
		"rawBody": 5,
	}}}})
	request.payload_bytes == 0 with input as inp
}
