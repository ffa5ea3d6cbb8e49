# METADATA
# title: Roles and separation of duties
# description: |
#   What the principal itself may do: the permissions and clearance of its roles
#   (data.regent.role_definitions). Roles come from the token, plus those data.regent.services grants a
#   service principal. Model lifecycle duties stay apart: nobody approves a model version
#   they trained, and nobody deploys a version that was not approved by someone else.
package regent.roles

import data.regent.authn
import data.regent.request

# Token roles, plus the roles bundle data binds to a service principal.
names contains r if some r in authn.roles

names contains r if some r in data.regent.services[authn.subject].roles

permissions contains p if {
	some r in names
	some p in data.regent.role_definitions[r].permissions
}

levels := data.regent.config.classification_levels

# The highest clearance among the roles; without any, public only.
default clearance := 0

clearance := max(granted) if {
	granted := {levels[data.regent.role_definitions[r].clearance] | some r in names}
	count(granted) > 0
}

# The model version an approve or deploy request targets, from the model registry snapshot.
model_version := data.regent.registry[authn.tenant][request.params.model][request.params.version]

approved(v) if {
	is_string(v.approved_by)
	v.approved_by != v.trained_by
}

lifecycle if request.permission in {"model:approve", "model:deploy"}

deny contains {"status": 403, "reason": "missing_permission"} if {
	request.route
	not request.permission in permissions
}

deny contains {"status": 403, "reason": "unknown_model_version"} if {
	lifecycle
	not model_version
}

deny contains {"status": 403, "reason": "self_approval"} if {
	request.permission == "model:approve"
	model_version.trained_by == authn.subject
}

deny contains {"status": 403, "reason": "model_not_approved"} if {
	request.permission == "model:deploy"
	model_version
	not approved(model_version)
}
