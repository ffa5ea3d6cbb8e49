# The RBAC policy of OPA's Envoy performance page ("App, Envoy and OPA (RBAC policy)"),
# written in Rego v1 syntax (`if`, `contains`); the rules and data are unchanged.
package envoy.authz

import input.attributes.request.http as http_request

default allow := false

allow if {
	roles_for_user[r]
	required_roles[r]
}

roles_for_user contains r if {
	r := user_roles[user_name][_]
}

required_roles contains r if {
	perm := role_perms[r][_]
	perm.method == http_request.method
	perm.path == http_request.path
}

user_name := parsed if {
	[_, encoded] := split(http_request.headers.authorization, " ")
	[parsed, _] := split(base64url.decode(encoded), ":")
}

user_roles := {
	"alice": ["guest"],
	"bob": ["admin"],
}

role_perms := {
	"guest": [{"method": "GET", "path": "/people"}],
	"admin": [
		{"method": "GET", "path": "/people"},
		{"method": "POST", "path": "/people"},
	],
}
