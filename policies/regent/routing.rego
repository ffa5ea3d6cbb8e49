# METADATA
# title: Routing by data classification
# description: |
#   Names the upstream an inference request may reach (data.regent.upstreams, first eligible
#   wins). An upstream must serve the request's model and sit where the data may go: a request
#   touching restricted data (its datasets and collections, or a stated classification) goes
#   only to an on_prem upstream, and a tenant with a residency requirement only to upstreams at
#   that location. No eligible upstream is a denial, never a silent fall back to the cloud.
#   The decision carries the choice in a request header Envoy routes on and in dynamic_metadata.
package regent.routing

import data.regent.classification
import data.regent.models
import data.regent.request

enabled if count(data.regent.upstreams) > 0

active if {
	enabled
	request.route.inference == true
}

default header := "x-regent-upstream"

header := data.regent.config.upstream_header if is_string(data.regent.config.upstream_header)

# The most sensitive level the request touches; -1 when it names no data at all.
sensitivity := max(array.concat(
	[classification.stated],
	[classification.resource_level(r) | some r in request.resources],
))

restricted if sensitivity >= classification.level_of("restricted")

# Where the upstream must be. Two different requirements leave no upstream: fail closed.
required contains "on_prem" if restricted

required contains models.tenant_config.residency if is_string(models.tenant_config.residency)

eligible(u) if {
	models.model in u.models
	every loc in required {
		u.location == loc
	}
}

candidates := [u | some u in data.regent.upstreams; eligible(u)]

upstream := candidates[0] if active

default headers := {}

headers := {header: upstream.name} if upstream

default metadata := {}

metadata := {"upstream": upstream.name, "upstream_location": upstream.location} if upstream

deny contains {"status": 403, "reason": "no_allowed_upstream"} if {
	active
	models.model != ""
	count(candidates) == 0
}
