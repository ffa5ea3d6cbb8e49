# METADATA
# title: Request facts
# description: |
#   Turns the raw request into the facts every other module decides on: the operation its
#   method and path map to (data.regent.routes, first match wins), the path's named parameters,
#   the datasets and collections it targets, and its size. Non-canonical paths (dot segments,
#   encoded slashes) are refused here, before any route can be tricked into matching them.
package regent.request

default method := ""

method := upper(input.attributes.request.http.method) if is_string(input.attributes.request.http.method)

# The path as Envoy sent it, without the query string.
default raw_path := ""

raw_path := split(input.attributes.request.http.path, "?")[0] if is_string(input.attributes.request.http.path)

# parsed_path is percent-decoded per segment; a leading "" lines it up with split(route.path, "/").
default segments := [""]

segments := array.concat([""], input.parsed_path) if is_array(input.parsed_path)

# A segment that could be read differently by the upstream than by this policy.
bad_segment(s) if not is_string(s)

bad_segment(s) if s in {"", ".", ".."}

# A separator or an escape surviving decoding means someone encoded it on purpose.
bad_segment(s) if {
	is_string(s)
	some c in ["/", "\\", "%"]
	contains(s, c)
}

malformed if {
	some i, s in segments
	i > 0
	bad_segment(s)
}

malformed if contains(lower(raw_path), "%2f")

malformed if contains(lower(raw_path), "%5c")

placeholder(p) if {
	startswith(p, "{")
	endswith(p, "}")
}

segment_matches(p, s) if p == s

segment_matches(p, s) if {
	p == "*"
	s != ""
}

segment_matches(p, s) if {
	placeholder(p)
	s != ""
}

route_matches(r) if {
	r.method in {method, "*"}
	pattern := split(r.path, "/")
	count(pattern) == count(segments)
	every i, p in pattern {
		segment_matches(p, segments[i])
	}
}

matching := [r | some r in data.regent.routes; route_matches(r)]

route := matching[0] if not malformed

default operation := ""

operation := route.operation

default permission := ""

permission := route.permission

# {"tenant": "acme", "collection": "acme-support"} for "/v1/tenants/{tenant}/collections/{collection}/query".
default params := {}

params := {name: segments[i] |
	some i, p in split(route.path, "/")
	placeholder(p)
	name := substring(p, 1, count(p) - 2)
}

# The sidecar may also name the dataset or collection (header or body, as it is configured);
# both sources count, so neither can be used to slip past the other.
collections contains params.collection

collections contains input.ai.collection

datasets contains params.dataset

datasets contains input.ai.dataset

resources := collections | datasets

# The largest size any source claims: Envoy's size, Content-Length, or the body itself.
byte_count(v) := v if is_number(v)

byte_count(v) := to_number(v) if {
	is_string(v)
	regex.match(`^[0-9]{1,15}$`, v)
}

sizes contains byte_count(input.attributes.request.http.size)

sizes contains byte_count(input.attributes.request.http.headers["content-length"])

sizes contains count(input.attributes.request.http.body) if is_string(input.attributes.request.http.body)

# The raw body is base64 (rawBody in protojson, raw_body in older inputs): four characters carry three bytes.
sizes contains (count(raw) * 3) / 4 if {
	some key in ["rawBody", "raw_body"]
	raw := input.attributes.request.http[key]
	is_string(raw)
}

default payload_bytes := 0

payload_bytes := max(sizes) if count(sizes) > 0

deny contains {"status": 400, "reason": "malformed_path"} if malformed

deny contains {"status": 403, "reason": "no_route"} if {
	not malformed
	not route
}
