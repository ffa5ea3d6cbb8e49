# METADATA
# title: Tenant isolation
# description: |
#   The token's tenant must be a known tenant and must equal every tenant the request names:
#   in the path ({tenant}), in a header or in a body field (the route's tenant_from), and the
#   owner of every dataset and vector collection it touches. A collection belongs to exactly
#   one tenant. No role lifts this: a tenant's admins cannot reach another tenant's embeddings.
#   Tenant ids are compared exactly; "ACME" is not "acme".
package regent.tenancy

import data.regent.authn
import data.regent.request

known if data.regent.tenants[authn.tenant]

# Every tenant the request itself claims to act in.
named_tenants contains request.params.tenant

named_tenants contains input.attributes.request.http.headers[request.route.tenant_from.header]

named_tenants contains input.parsed_body[request.route.tenant_from.body]

# The tenants whose vector namespaces list the collection; exactly one is the only sane answer.
owners(collection) := {t | some t, cfg in data.regent.tenants; collection in cfg.vector_namespaces}

deny contains {"status": 403, "reason": "unknown_tenant"} if {
	authn.tenant
	not known
}

deny contains {"status": 403, "reason": "tenant_mismatch"} if {
	some t in named_tenants
	t != authn.tenant
}

deny contains {"status": 403, "reason": "foreign_collection"} if {
	some c in request.collections
	owners(c) != {authn.tenant}
}

deny contains {"status": 403, "reason": "foreign_dataset"} if {
	some r in request.resources
	data.regent.datasets[r].tenant != authn.tenant
}
