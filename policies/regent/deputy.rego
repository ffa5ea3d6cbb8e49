# METADATA
# title: Confused-deputy guard
# description: |
#   When services call on a user's behalf (the RFC 8693 act chain in input.identity.actors),
#   the request gets the user's rights capped by what every service in the chain may do for a
#   user (data.regent.services[sub].delegable) and by each one's max_classification. A
#   service's own roles never add to a user's rights, and a service acting for itself never
#   reaches user data (routes marked user_data), however broad its own roles are.
package regent.deputy

import data.regent.authn
import data.regent.roles
import data.regent.request

delegated if count(authn.actors) > 0

# An act chain the sidecar could not read whole still means someone acts for the user.
delegated if authn.delegation_error

services := data.regent.services

# The subject is itself a registered service: there is no user behind the request.
service_subject if services[authn.subject]

unknown_actors := [a | some a in authn.actors; not services[a.sub]]

default effective_permissions := set()

effective_permissions := roles.permissions if not delegated

effective_permissions := {p |
	some p in roles.permissions
	every a in authn.actors {
		p in services[a.sub].delegable
	}
} if delegated

levels := data.regent.config.classification_levels

# A service without a max_classification may carry no classified data at all.
actor_cap(a) := levels[services[a.sub].max_classification]

actor_cap(a) := -1 if not levels[services[a.sub].max_classification]

default effective_clearance := -1

effective_clearance := roles.clearance if not delegated

effective_clearance := min(array.concat([roles.clearance], [actor_cap(a) | some a in authn.actors])) if delegated

deny contains {"status": 403, "reason": "unknown_actor"} if count(unknown_actors) > 0

# The service that called us (actors[0]) must be the workload on the mTLS connection, when
# both are known: an act claim replayed from another workload does not count.
deny contains {"status": 403, "reason": "actor_workload_mismatch"} if {
	delegated
	expected := services[authn.actors[0].sub].spiffe_id
	is_string(input.identity.workload)
	input.identity.workload != expected
}

deny contains {"status": 403, "reason": "delegation_not_permitted"} if {
	delegated
	request.permission in roles.permissions
	not request.permission in effective_permissions
}

deny contains {"status": 403, "reason": "service_without_user"} if {
	service_subject
	request.route.user_data == true
}

# A malformed or too-deep act chain hides who is acting: deny rather than guess.
deny contains {"status": 403, "reason": concat(":", ["malformed_delegation", authn.delegation_error])} if authn.delegation_error
