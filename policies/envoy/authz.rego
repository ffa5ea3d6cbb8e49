# METADATA
# title: AI gateway decision
# description: |
#   The ext_authz entrypoint (envoy/authz/allow). Deny by default: a request is allowed only
#   when no module denies it and its route's permission is among the caller's effective
#   permissions. Modules are asked in a fixed order and the first one that denies decides the
#   status, so an unauthenticated caller always gets the same bare 401.
package envoy.authz

import data.regent.authn
import data.regent.classification
import data.regent.deputy
import data.regent.guards
import data.regent.models
import data.regent.prompts
import data.regent.request
import data.regent.roles
import data.regent.routing
import data.regent.tenancy
import data.regent.tools

stages := [
	authn.deny,
	request.deny,
	guards.size_deny,
	tenancy.deny,
	deputy.deny,
	roles.deny,
	tools.deny,
	models.deny,
	classification.deny,
	routing.deny,
	prompts.deny,
	guards.budget_deny,
]

denials := [d | some stage in stages; some d in stage]

granted if {
	request.route
	request.permission in deputy.effective_permissions
}

default decision_id := "unknown"

decision_id := input.decision_id if is_string(input.decision_id)

# The reason goes to authenticated callers only; a 401 says nothing beyond the challenge.
deny_headers(d) := {"content-type": "application/json", "x-regent-decision-id": decision_id} if d.status == 401

deny_headers(d) := {
	"content-type": "application/json",
	"x-regent-decision-id": decision_id,
	"x-regent-reason": d.reason,
} if d.status != 401

public_reason(d) := "unauthenticated" if d.status == 401

public_reason(d) := d.reason if d.status != 401

denied(d) := {
	"allowed": false,
	"http_status": d.status,
	"headers": object.union(deny_headers(d), object.get(d, "headers", {})),
	"response_headers_to_add": {},
	"request_headers_to_remove": [],
	"body": json.marshal({"error": public_reason(d), "decision_id": decision_id}),
	"dynamic_metadata": {"decision_id": decision_id},
	"reserve_tokens": 0,
	"budget_exhausted_status": guards.exhausted_status,
	"reason": d.reason,
}

strip contains "authorization" if data.regent.config.strip_authorization == true

# With routing on, the upstream header is the policy's alone: a client's own value is removed.
strip contains routing.header if {
	routing.enabled
	not routing.upstream
}

removed_headers := sort(strip)

allowed := {
	"allowed": true,
	"http_status": 200,
	"headers": object.union_n([
		{
			"x-regent-subject": authn.subject,
			"x-regent-tenant": authn.tenant,
			"x-regent-decision-id": decision_id,
		},
		routing.headers,
		prompts.headers,
	]),
	"response_headers_to_add": {"x-regent-decision-id": decision_id},
	"request_headers_to_remove": removed_headers,
	"body": "",
	"dynamic_metadata": object.union_n([
		{
			"decision_id": decision_id,
			"subject": authn.subject,
			"tenant": authn.tenant,
			"operation": request.operation,
			"model": models.model,
			"actors": [a.sub | some a in authn.actors],
		},
		routing.metadata,
		tools.metadata,
		prompts.metadata,
	]),
	"reserve_tokens": guards.reserve_tokens,
	"reserve_calls": tools.reserve_calls,
	"budget_exhausted_status": guards.exhausted_status,
	"reason": "allowed",
}

# METADATA
# title: Decision
# description: The decision object of docs/input-model.md; deny (403, "no_grant") when nothing else applies.
# scope: document
# entrypoint: true
default allow := {
	"allowed": false,
	"http_status": 403,
	"headers": {"content-type": "application/json", "x-regent-reason": "no_grant"},
	"response_headers_to_add": {},
	"request_headers_to_remove": [],
	"body": "{\"error\":\"no_grant\"}",
	"dynamic_metadata": {},
	"reserve_tokens": 0,
	"budget_exhausted_status": 429,
	"reason": "no_grant",
}

allow := denied(denials[0]) if count(denials) > 0

allow := allowed if {
	count(denials) == 0
	granted
}
