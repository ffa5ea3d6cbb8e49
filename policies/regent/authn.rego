# METADATA
# title: Authentication and claims
# description: |
#   The only module that reads input.identity directly. An unauthenticated caller gets 401
#   with a WWW-Authenticate challenge and nothing else: no reason, no hint of which rule would
#   have applied. For authenticated callers it type-checks the claims once and exposes them
#   (subject, tenant, roles, actors, purpose) so no other module trusts a raw claim.
package regent.authn

authenticated if input.identity.authenticated == true

# Why the sidecar could not authenticate the caller; logged, never sent.
default failure := "missing_token"

failure := input.identity.reason if is_string(input.identity.reason)

default realm := "regent"

realm := data.regent.config.realm if is_string(data.regent.config.realm)

# RFC 6750: a request without credentials gets a bare challenge, a bad token gets invalid_token.
challenge := concat("", ["Bearer realm=\"", realm, "\""]) if failure == "missing_token"

challenge := concat("", ["Bearer realm=\"", realm, "\", error=\"invalid_token\""]) if failure != "missing_token"

subject := input.identity.subject if {
	is_string(input.identity.subject)
	input.identity.subject != ""
}

tenant := input.identity.tenant if {
	is_string(input.identity.tenant)
	input.identity.tenant != ""
}

default roles := []

roles := input.identity.roles if is_array(input.identity.roles)

default actors := []

actors := input.identity.actors if is_array(input.identity.actors)

# Set by the sidecar when the act claim is not a chain of objects (act_malformed) or is deeper
# than limits.max_act_depth (act_too_deep): the actors list is then incomplete.
delegation_error := input.identity.delegation_error if is_string(input.identity.delegation_error)

purpose := input.identity.purpose if {
	is_string(input.identity.purpose)
	input.identity.purpose != ""
}

# Claims that are present but unusable are an error, not an absence: fail closed.
claim_errors contains "subject" if not subject

claim_errors contains "tenant" if not tenant

claim_errors contains "roles" if not is_array(object.get(input.identity, "roles", []))

claim_errors contains "actors" if not is_array(object.get(input.identity, "actors", []))

claim_errors contains "purpose" if not is_string(object.get(input.identity, "purpose", ""))

deny contains {
	"status": 401,
	"reason": concat(":", ["unauthenticated", failure]),
	"headers": {"www-authenticate": challenge},
} if {
	not authenticated
}

deny contains {"status": 403, "reason": concat(":", ["invalid_claim", claim])} if {
	authenticated
	some claim in claim_errors
}
