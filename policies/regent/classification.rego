# METADATA
# title: Data classification
# description: |
#   Every dataset and vector collection a request touches must be listed in
#   data.regent.datasets with a classification (public < internal < confidential < restricted,
#   data.regent.config.classification_levels). The caller's effective clearance (its roles'
#   clearance, capped along any act chain) must reach it, and restricted data also needs a
#   purpose claim that the dataset lists in its purposes. A classification the sidecar reports
#   (e.g. from a header) can only raise the level, never lower the one in bundle data.
package regent.classification

import data.regent.authn
import data.regent.deputy
import data.regent.request

levels := data.regent.config.classification_levels

# An unknown label is treated as the most sensitive one.
top := max([l | some l in levels])

level_of(label) := levels[label]

level_of(label) := top if not levels[label]

default stated := -1

stated := level_of(input.ai.classification) if input.ai.classification

resource_level(r) := max([level_of(data.regent.datasets[r].classification), stated])

restricted(r) if resource_level(r) >= level_of("restricted")

deny contains {"status": 403, "reason": "unknown_dataset"} if {
	some r in request.resources
	not data.regent.datasets[r]
}

deny contains {"status": 403, "reason": "insufficient_clearance"} if {
	some r in request.resources
	resource_level(r) > deputy.effective_clearance
}

deny contains {"status": 403, "reason": "purpose_required"} if {
	some r in request.resources
	restricted(r)
	not authn.purpose
}

deny contains {"status": 403, "reason": "purpose_not_allowed"} if {
	some r in request.resources
	restricted(r)
	authn.purpose
	not authn.purpose in object.get(data.regent.datasets[r], "purposes", [])
}
