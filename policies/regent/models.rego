# METADATA
# title: Model allowlists and token caps
# description: |
#   For inference routes: the model must be on the tenant's plan allowlist
#   (data.regent.plans[plan].models) and, when the tenant has one, on its own list
#   (data.regent.tenants[t].models). max_tokens may not exceed the plan's cap, and the prompt
#   (estimated at 4 bytes a token) plus max_tokens must fit the plan's context window.
#   The plan comes from tenant data, never from a claim the caller's IdP could mint.
package regent.models

import data.regent.authn
import data.regent.request

inference if request.route.inference == true

tenant_config := data.regent.tenants[authn.tenant]

plan := data.regent.plans[tenant_config.plan]

# Every model the request names: a header and the body could disagree, so both are checked.
requested contains input.ai.model

requested contains input.parsed_body.model

default model := ""

model := m if {
	count(requested) == 1
	some m in requested
}

allowed(m) if {
	m in plan.models
	tenant_allows(m)
}

tenant_allows(_) if not tenant_config.models

tenant_allows(m) if m in tenant_config.models

token_values contains input.ai.requested_tokens

token_values contains input.parsed_body.max_tokens

token_values contains input.parsed_body.max_completion_tokens

valid_count(n) if {
	is_number(n)
	n > 0
}

invalid_tokens if {
	some n in token_values
	not valid_count(n)
}

requested_tokens := max(token_values) if {
	count(token_values) > 0
	not invalid_tokens
}

# What a budget must cover: the tokens asked for, or the plan's cap when the request is silent.
default reserve_tokens := 0

reserve_tokens := requested_tokens if inference

reserve_tokens := plan.max_tokens if {
	inference
	not requested_tokens
	not invalid_tokens
}

deny contains {"status": 400, "reason": "model_missing"} if {
	inference
	count(requested) == 0
}

deny contains {"status": 400, "reason": "model_conflict"} if {
	inference
	count(requested) > 1
}

deny contains {"status": 403, "reason": "no_plan"} if {
	inference
	not plan
}

deny contains {"status": 403, "reason": "model_not_allowed"} if {
	inference
	some m in requested
	not allowed(m)
}

deny contains {"status": 400, "reason": "invalid_max_tokens"} if {
	inference
	invalid_tokens
}

deny contains {"status": 400, "reason": "max_tokens_exceeded"} if {
	inference
	requested_tokens > plan.max_tokens
}

deny contains {"status": 400, "reason": "context_window_exceeded"} if {
	inference
	(request.payload_bytes / 4) + reserve_tokens > plan.context_window
}
