# METADATA
# title: Payload and budget guards
# description: |
#   Denial-of-wallet and resource guards. A request larger than the byte limit (the
#   smaller of data.regent.config.max_body_bytes and the plan's max_body_bytes), or one
#   whose body Envoy had to truncate, gets 413. On metered routes a budget that cannot cover
#   the tokens the request would reserve gets 429, or 402 where the plan says so, with
#   Retry-After from input.budget.
package regent.guards

import data.regent.models
import data.regent.request

limits contains data.regent.config.max_body_bytes

limits contains models.plan.max_body_bytes

too_large if request.payload_bytes > min(limits)

too_large if input.truncated_body == true

metered if request.route.metered == true

default exhausted_status := 429

exhausted_status := models.plan.budget_exhausted_status if models.plan.budget_exhausted_status in {402, 429}

# A budget entry the server could not fill in properly counts as spent: fail closed.
exhausted if {
	metered
	not is_number(input.budget.remaining)
	input.budget
}

exhausted if {
	metered
	input.budget.remaining < max([models.reserve_tokens, 1])
}

retry_after := input.budget.retry_after_seconds if is_number(input.budget.retry_after_seconds)

retry_after := input.budget.window_seconds if {
	not is_number(input.budget.retry_after_seconds)
	is_number(input.budget.window_seconds)
}

retry_headers := {"retry-after": sprintf("%d", [retry_after])} if retry_after

default retry_headers := {}

# What an allowed request asks the server to reserve; only metered routes spend budget.
default reserve_tokens := 0

reserve_tokens := models.reserve_tokens if metered

size_deny contains {"status": 413, "reason": "payload_too_large"} if too_large

budget_deny contains {"status": exhausted_status, "reason": "budget_exhausted", "headers": retry_headers} if exhausted
