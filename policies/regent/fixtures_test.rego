# METADATA
# title: Test fixtures
# description: |
#   Bundle data and request builders shared by the policy tests. Tests swap each piece in
#   with `with data.regent.<key> as fixtures.<key>`, so they never depend on a bundle's data.
package regent.fixtures

config := {
	"realm": "regent-test",
	"strip_authorization": true,
	"max_body_bytes": 65536,
	"classification_levels": {"public": 0, "internal": 1, "confidential": 2, "restricted": 3},
}

routes := [
	{"method": "GET", "path": "/v1/models", "operation": "models.list", "permission": "models:list"},
	{
		"method": "POST", "path": "/v1/chat/completions", "operation": "chat", "permission": "chat:invoke",
		"inference": true, "metered": true, "user_data": true, "tenant_from": {"header": "x-tenant-id"},
	},
	{
		"method": "POST", "path": "/v1/tenants/{tenant}/chat/completions", "operation": "chat",
		"permission": "chat:invoke", "inference": true, "metered": true, "user_data": true,
	},
	{
		"method": "POST", "path": "/v1/embeddings", "operation": "embeddings", "permission": "embeddings:create",
		"inference": true, "metered": true, "tenant_from": {"body": "tenant"},
	},
	{
		"method": "POST", "path": "/v1/tenants/{tenant}/collections/{collection}/query",
		"operation": "vectors.query", "permission": "vectors:query", "user_data": true,
	},
	{
		"method": "PUT", "path": "/v1/tenants/{tenant}/collections/{collection}/documents",
		"operation": "vectors.upsert", "permission": "vectors:write",
	},
	{
		"method": "GET", "path": "/v1/tenants/{tenant}/datasets/{dataset}", "operation": "datasets.read",
		"permission": "datasets:read", "user_data": true,
	},
	{"method": "GET", "path": "/v1/tenants/{tenant}/audit-logs", "operation": "audit.read", "permission": "audit:read"},
	{"method": "PUT", "path": "/v1/tenants/{tenant}/billing", "operation": "billing.update", "permission": "billing:manage"},
	{
		"method": "POST", "path": "/v1/tenants/{tenant}/models/{model}/versions/{version}/approve",
		"operation": "model.approve", "permission": "model:approve",
	},
	{
		"method": "POST", "path": "/v1/tenants/{tenant}/models/{model}/versions/{version}/deploy",
		"operation": "model.deploy", "permission": "model:deploy",
	},
	{"method": "*", "path": "/v1/status/*", "operation": "status", "permission": "status:read"},
	{
		"method": "POST", "path": "/v1/tenants/{tenant}/mcp", "operation": "mcp", "permission": "tools:call",
		"mcp": true, "user_data": true,
	},
	{
		"method": "POST", "path": "/v1/tenants/{tenant}/datasets/{dataset}/chat/completions", "operation": "chat",
		"permission": "chat:invoke", "inference": true, "metered": true, "user_data": true,
	},
]

role_definitions := {
	"viewer": {"permissions": ["models:list", "chat:invoke", "vectors:query", "datasets:read"], "clearance": "internal"},
	"contributor": {
		"permissions": ["models:list", "chat:invoke", "embeddings:create", "vectors:query", "vectors:write", "datasets:read"],
		"clearance": "confidential",
	},
	"auditor": {"permissions": ["audit:read", "models:list"], "clearance": "confidential"},
	"billing-admin": {"permissions": ["billing:manage"]},
	"ml-engineer": {"permissions": ["models:list", "datasets:read"], "clearance": "confidential"},
	"ml-lead": {"permissions": ["models:list", "datasets:read", "model:approve"], "clearance": "restricted"},
	"devops": {"permissions": ["models:list", "model:deploy"], "clearance": "internal"},
	"indexer": {"permissions": ["vectors:write", "vectors:query", "datasets:read", "embeddings:create"], "clearance": "restricted"},
	"agent-user": {
		"permissions": ["tools:call", "chat:invoke", "models:list"],
		"tools": ["search_docs", "read_file", "query_vectors", "create_issue", "prompt:summarize", "web_search"],
		"clearance": "confidential",
	},
	"repo-admin": {"permissions": ["tools:call"], "tools": ["search_docs", "delete_repo"], "clearance": "internal"},
	"analyst": {"permissions": ["chat:invoke", "datasets:read"], "clearance": "restricted"},
}

services := {
	"svc-rag": {
		"spiffe_id": "spiffe://cluster.local/ns/ai/sa/rag",
		"delegable": ["chat:invoke", "vectors:query", "embeddings:create", "models:list"],
		"max_classification": "confidential",
	},
	"svc-gateway": {
		"delegable": ["chat:invoke", "vectors:query", "embeddings:create", "models:list", "datasets:read"],
		"max_classification": "restricted",
	},
	"svc-indexer": {"roles": ["indexer"], "delegable": [], "max_classification": "internal"},
	"svc-lister": {"delegable": ["models:list", "datasets:read"]},
	"svc-agent": {
		"delegable": ["tools:call", "chat:invoke"],
		"tools": ["search_docs", "read_file", "query_vectors", "delete_repo", "prompt:summarize"],
		"max_classification": "confidential",
	},
	"svc-planner": {"delegable": ["tools:call"], "tools": ["search_docs"], "max_classification": "internal"},
}

plans := {
	"free": {"models": ["small"], "max_tokens": 256, "context_window": 2048, "max_body_bytes": 8192, "budget_exhausted_status": 402},
	"pro": {"models": ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "llama-3.1-70b"], "max_tokens": 4096, "context_window": 128000},
}

tenants := {
	"acme": {
		"plan": "pro", "vector_namespaces": ["acme-support", "acme-wiki", "shared-ns"],
		"tools": ["search_docs", "read_file", "query_vectors", "create_issue", "delete_repo", "prompt:summarize", "web_search"],
		"tool_root": "/srv/tenants/acme/",
		"resource_roots": ["file:///srv/tenants/acme/"],
	},
	"globex": {"plan": "pro", "models": ["gpt-4o-mini"], "vector_namespaces": ["globex-kb", "shared-ns"], "tools": ["search_docs"]},
	"vault": {"plan": "pro", "residency": "on_prem", "vector_namespaces": []},
	"initech": {"plan": "free", "vector_namespaces": []},
	"umbrella": {"plan": "legacy"},
}

datasets := {
	"acme-support": {"tenant": "acme", "classification": "confidential"},
	"acme-wiki": {"tenant": "acme", "classification": "internal"},
	"acme-fraud": {"tenant": "acme", "classification": "restricted", "purposes": ["fraud-review"]},
	"acme-hr": {"tenant": "acme", "classification": "restricted"},
	"acme-odd": {"tenant": "acme", "classification": "secret-ish"},
	"globex-kb": {"tenant": "globex", "classification": "internal"},
	"shared-ns": {"tenant": "acme", "classification": "internal"},
}

registry := {"acme": {"fraud-detector": {
	"v1": {"trained_by": "alice", "approved_by": "carol"},
	"v2": {"trained_by": "carol"},
	"v3": {"trained_by": "alice", "approved_by": "alice"},
}}}

tool_catalog := {
	"search_docs": {"calls_per_window": 100},
	"read_file": {"arguments": {"path": "tenant_path"}},
	"query_vectors": {"arguments": {"namespace": "tenant_namespace"}},
	"create_issue": {},
	"delete_repo": {"destructive": true, "calls_per_window": 5},
	"prompt:summarize": {},
	"web_search": {},
}

mcp := {
	"argument_values": {"read_file": ["path"], "query_vectors": ["namespace"]},
	"open_methods": ["initialize", "ping", "tools/list", "notifications/initialized"],
}

upstreams := [
	{"name": "cloud-openai", "location": "cloud", "models": ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]},
	{"name": "onprem-llama", "location": "on_prem", "models": ["llama-3.1-70b"]},
	{"name": "cloud-llama", "location": "cloud", "models": ["llama-3.1-70b"]},
]

prompt_guard := {"max_messages": 4, "max_chars": 100, "deny": ["secret_key"]}

# An MCP request body as the sidecar reports it in input.ai.mcp.
mcp_call(index, tool, args) := {"index": index, "id": index, "method": "tools/call", "notification": false, "tool": tool, "arguments": args}

mcp_input(identity, calls) := object.union(http("POST", "/v1/tenants/acme/mcp", identity), {"ai": {"mcp": {"batch": count(calls) > 1, "calls": calls}}})

# An authenticated end user with no act chain.
user(sub, tenant, role_names) := {
	"authenticated": true,
	"subject": sub,
	"tenant": tenant,
	"roles": role_names,
	"scopes": [],
	"actors": [],
	"delegated": false,
}

# The same user reached through services, outermost (the one that called us) first.
via(identity, actor_subs) := object.union(identity, {
	"actors": [{"sub": s} | some s in actor_subs],
	"delegated": count(actor_subs) > 0,
})

# A CheckRequest-derived input as the sidecar builds it, for a path without encoded characters.
http(method, path, identity) := {
	"attributes": {
		"source": {"principal": "spiffe://cluster.local/ns/app/sa/frontend"},
		"request": {"http": {
			"id": "1",
			"method": method,
			"path": path,
			"host": "ai.example.com",
			"headers": {":method": method, "authorization": "Bearer test", "content-type": "application/json"},
		}},
	},
	"parsed_path": [s | some i, s in split(split(path, "?")[0], "/"); i > 0],
	"parsed_query": {},
	"decision_id": "d-1",
	"identity": identity,
}

# A chat completion with an OpenAI-style body.
chat(path, identity, body) := object.union(http("POST", path, identity), {
	"attributes": {"request": {"http": {"body": json.marshal(body)}}},
	"parsed_body": body,
	"ai": {"model": body.model},
})

acme_alice := user("alice", "acme", ["contributor"])
