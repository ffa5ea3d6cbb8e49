/**
 * The declaration of every built-in regent knows (OPA 1.x's list): its arity and who implements it —
 * the wasm runtime ("native"), the TypeScript host table in src/builtins ("host"), or nobody ("unsupported").
 * The compiler uses it for existence/arity checks and the wasm backend to route calls.
 */

export type BuiltinImpl = "native" | "host" | "unsupported";

export interface BuiltinDecl {
  /** Rego name, e.g. "count", "time.now_ns", "io.jwt.verify_rs256". */
  name: string;
  /** Number of operands (OPA's decl). A call may pass one more argument as the output. */
  arity: number;
  impl: BuiltinImpl;
  /**
   * "set" matters: host results cross the ABI as JSON, where a set is an array, so the backend must
   * convert the returned array back into a set.
   */
  returns?: "set" | "boolean" | "any";
  /**
   * OPA "relation" built-ins (walk) yield many results. The host function returns all of them as one
   * array (for walk: an array of [path, value] pairs); the planner scans it and unifies each element
   * with the call's output term.
   */
  relation?: boolean;
  /** For impl "unsupported": why regent cannot serve it. */
  unsupported?: string;
  deprecated?: boolean;
  /** Takes any number of operands (only `print`); `arity` is then 0. */
  variadic?: boolean;
  /**
   * Handled by the compiler rather than called: `eq` is unification, `assign` is `:=`, `print` is
   * rewritten to `internal.print`, `rego.metadata.*` are replaced by constants at compile time.
   */
  special?: string;
}

const NATIVE = `equal neq lt lte gt gte plus minus mul div rem abs round ceil floor numbers.range count sum product max min
sort concat contains startswith endswith lower upper split trim trim_left trim_right trim_prefix trim_suffix trim_space
indexof substring replace strings.reverse to_number format_int object.get object.keys object.union object.remove union
intersection and or array.concat array.slice array.reverse glob.match net.cidr_contains base64.encode base64.decode
base64.is_valid base64url.encode base64url.encode_no_pad base64url.decode json.marshal json.unmarshal json.is_valid
io.jwt.decode is_number is_string is_boolean is_array is_object is_set is_null type_name internal.member_2
internal.member_3 bits.and bits.or bits.xor bits.negate bits.lsh bits.rsh hex.encode hex.decode walk object.subset
strings.replace_n net.cidr_contains_matches object.filter graph.reachable net.cidr_intersects json.filter json.remove
internal.template_string`;

/** name:arity pairs; a trailing `*` marks a set-returning built-in. */
const ARITIES = `
eq:2 assign:2 equal:2 neq:2 lt:2 lte:2 gt:2 gte:2 plus:2 minus:2 mul:2 div:2 rem:2 and:2* or:2*
internal.member_2:2 internal.member_3:3 print:0 internal.print:1
abs:1 round:1 ceil:1 floor:1 numbers.range:2 numbers.range_step:3 rand.intn:2
bits.and:2 bits.or:2 bits.xor:2 bits.negate:1 bits.lsh:2 bits.rsh:2
count:1 sum:1 product:1 max:1 min:1 sort:1 all:1 any:1
array.concat:2 array.slice:3 array.reverse:1 array.flatten:1
to_number:1 cast_array:1 cast_set:1* cast_string:1 cast_boolean:1 cast_null:1 cast_object:1
union:1* intersection:1* set_diff:2*
concat:2 contains:2 startswith:2 endswith:2 lower:1 upper:1 split:2 trim:2 trim_left:2 trim_right:2 trim_prefix:2
trim_suffix:2 trim_space:1 indexof:2 indexof_n:2 substring:3 replace:3 strings.reverse:1 format_int:2 sprintf:2
strings.replace_n:2 strings.any_prefix_match:2 strings.any_suffix_match:2 strings.count:2 strings.render_template:2
strings.split_n:3 internal.template_string:1
regex.match:2 re_match:2 regex.is_valid:1 regex.find_n:3 regex.find_all_string_submatch_n:3 regex.split:2
regex.replace:3 regex.template_match:4 regex.globs_match:2
glob.match:3 glob.quote_meta:1
object.get:3 object.keys:1* object.union:2 object.union_n:1 object.remove:2 object.filter:2 object.subset:2
json.filter:2 json.remove:2 json.patch:2 walk:1 graph.reachable:2* graph.reachable_paths:2*
json.marshal:1 json.marshal_with_options:2 json.unmarshal:1 json.is_valid:1 json.verify_schema:1 json.match_schema:2
base64.encode:1 base64.decode:1 base64.is_valid:1 base64url.encode:1 base64url.encode_no_pad:1 base64url.decode:1
hex.encode:1 hex.decode:1 urlquery.encode:1 urlquery.decode:1 urlquery.encode_object:1 urlquery.decode_object:1
yaml.marshal:1 yaml.unmarshal:1 yaml.is_valid:1
io.jwt.decode:1 io.jwt.decode_verify:2 io.jwt.encode_sign:3 io.jwt.encode_sign_raw:3
io.jwt.verify_rs256:2 io.jwt.verify_rs384:2 io.jwt.verify_rs512:2 io.jwt.verify_ps256:2 io.jwt.verify_ps384:2
io.jwt.verify_ps512:2 io.jwt.verify_es256:2 io.jwt.verify_es384:2 io.jwt.verify_es512:2 io.jwt.verify_hs256:2
io.jwt.verify_hs384:2 io.jwt.verify_hs512:2 io.jwt.verify_eddsa:2
time.now_ns:0 time.parse_ns:2 time.parse_rfc3339_ns:1 time.parse_duration_ns:1 time.format:1 time.date:1
time.clock:1 time.weekday:1 time.add_date:4 time.diff:2
crypto.md5:1 crypto.sha1:1 crypto.sha256:1 crypto.hmac.md5:2 crypto.hmac.sha1:2 crypto.hmac.sha256:2
crypto.hmac.sha512:2 crypto.hmac.equal:2 crypto.x509.parse_certificates:1 crypto.x509.parse_and_verify_certificates:1
crypto.x509.parse_and_verify_certificates_with_options:2 crypto.x509.parse_certificate_request:1
crypto.x509.parse_keypair:2 crypto.x509.parse_rsa_private_key:1 crypto.parse_private_keys:1
net.cidr_contains:2 net.cidr_intersects:2 net.cidr_overlap:2 net.cidr_contains_matches:2* net.cidr_expand:1*
net.cidr_merge:1* net.cidr_is_valid:1 net.lookup_ip_addr:1*
units.parse:1 units.parse_bytes:1 semver.is_valid:1 semver.compare:2 uuid.parse:1 uuid.rfc4122:1
is_number:1 is_string:1 is_boolean:1 is_array:1 is_object:1 is_set:1 is_null:1 type_name:1
http.send:1 opa.runtime:0 trace:1 providers.aws.sign_req:3 rego.parse_module:2 rego.metadata.chain:0
rego.metadata.rule:0 graphql.is_valid:2 graphql.parse:2 graphql.parse_and_verify:2 graphql.parse_query:1
graphql.parse_schema:1 graphql.schema_is_valid:1
`;

const NO_WASM = "needs the network or nondeterminism that no Wasm target can serve (OPA's Wasm docs)";

const UNSUPPORTED: Record<string, string> = {
  "http.send": `http.send ${NO_WASM}`,
  "net.lookup_ip_addr": `net.lookup_ip_addr ${NO_WASM}`,
  "rand.intn": `rand.intn ${NO_WASM}`,
  "opa.runtime": "opa.runtime reports the OPA process's config and environment, which a Wasm module does not have",
  trace: "trace writes to OPA's tracer; Wasm evaluation has no tracer",
  "providers.aws.sign_req": "not implemented by regent: AWS SigV4 request signing is out of scope",
  "rego.parse_module": "not implemented by regent: would link the Rego parser into the host table",
  "graphql.is_valid": "not implemented by regent: needs a GraphQL parser and validator",
  "graphql.parse": "not implemented by regent: needs a GraphQL parser and validator",
  "graphql.parse_and_verify": "not implemented by regent: needs a GraphQL parser and validator",
  "graphql.parse_query": "not implemented by regent: needs a GraphQL parser",
  "graphql.parse_schema": "not implemented by regent: needs a GraphQL parser",
  "graphql.schema_is_valid": "not implemented by regent: needs a GraphQL parser and validator",
  "crypto.x509.parse_certificates": "not implemented by regent: OPA returns Go's x509.Certificate structure",
  "crypto.x509.parse_and_verify_certificates": "not implemented by regent: OPA returns Go's x509.Certificate structure",
  "crypto.x509.parse_and_verify_certificates_with_options":
    "not implemented by regent: OPA returns Go's x509.Certificate structure",
  "crypto.x509.parse_certificate_request": "not implemented by regent: OPA returns Go's x509.CertificateRequest structure",
  "crypto.x509.parse_keypair": "not implemented by regent: OPA returns Go's tls.Certificate structure",
  "crypto.x509.parse_rsa_private_key": "not implemented by regent: OPA returns Go's JWK encoding of the key",
  "crypto.parse_private_keys": "not implemented by regent: OPA returns Go's JWK encoding of the keys",
  "rego.metadata.chain": "replaced by the annotation chain at compile time (RewriteRegoMetadataCalls); it has no run-time form",
  "rego.metadata.rule": "replaced by the rule's annotations at compile time (RewriteRegoMetadataCalls); it has no run-time form",
};

const DEPRECATED = new Set([
  "all", "any", "re_match", "set_diff", "net.cidr_overlap",
  "cast_array", "cast_set", "cast_string", "cast_boolean", "cast_null", "cast_object",
]);

const BOOLEAN = new Set([
  "eq", "assign", "equal", "neq", "lt", "lte", "gt", "gte", "internal.member_2", "internal.member_3",
  "contains", "startswith", "endswith", "all", "any", "regex.match", "re_match", "regex.is_valid",
  "regex.template_match", "regex.globs_match", "glob.match", "object.subset", "json.is_valid", "base64.is_valid",
  "yaml.is_valid", "strings.any_prefix_match", "strings.any_suffix_match", "crypto.hmac.equal", "net.cidr_contains",
  "net.cidr_intersects", "net.cidr_overlap", "net.cidr_is_valid", "semver.is_valid", "is_number", "is_string",
  "is_boolean", "is_array", "is_object", "is_set", "is_null", "cast_boolean", "graphql.is_valid",
  "graphql.schema_is_valid",
  ...["rs256", "rs384", "rs512", "ps256", "ps384", "ps512", "es256", "es384", "es512", "hs256", "hs384", "hs512",
    "eddsa"].map((a) => `io.jwt.verify_${a}`),
]);

const SPECIAL: Record<string, string> = {
  eq: "unification; planned by the compiler, never called",
  assign: "`:=`; planned by the compiler as a local assignment, never called",
  print: "variadic; rewritten by the compiler to internal.print([{args...}, ...]) or dropped (a no-op is acceptable)",
  "internal.print": "host: formats like OPA and writes to the sink given to createHostBuiltins (default: none)",
  "rego.metadata.chain": "compile-time constant",
  "rego.metadata.rule": "compile-time constant",
};

/** Never called at run time: the compiler plans them (unification, `:=`, print → internal.print). */
const COMPILER_PLANNED = new Set(["eq", "assign", "print"]);

function build(): Record<string, BuiltinDecl> {
  const native = new Set(NATIVE.split(/\s+/).filter(Boolean));
  const out: Record<string, BuiltinDecl> = {};
  for (const tok of ARITIES.split(/\s+/).filter(Boolean)) {
    const m = /^([a-z0-9_.]+):(\d+)(\*?)$/.exec(tok);
    if (!m) throw new Error(`decls: bad entry ${tok}`);
    const name = m[1]!;
    const decl: BuiltinDecl = {
      name,
      arity: Number(m[2]),
      impl: native.has(name) ? "native" : UNSUPPORTED[name] ? "unsupported" : "host",
      returns: m[3] ? "set" : BOOLEAN.has(name) ? "boolean" : "any",
    };
    if (decl.impl === "unsupported") decl.unsupported = UNSUPPORTED[name];
    if (name === "walk") decl.relation = true;
    if (name === "print") decl.variadic = true;
    if (DEPRECATED.has(name)) decl.deprecated = true;
    if (SPECIAL[name]) decl.special = SPECIAL[name];
    // Planned by the compiler, so no host function may be asked for; "native" keeps them out of builtins().
    if (COMPILER_PLANNED.has(name)) decl.impl = "native";
    if (out[name]) throw new Error(`decls: duplicate ${name}`);
    out[name] = Object.freeze(decl);
  }
  for (const n of native) if (!out[n]) throw new Error(`decls: native ${n} has no arity`);
  return out;
}

export const BUILTINS: Readonly<Record<string, BuiltinDecl>> = Object.freeze(build());

/**
 * The built-ins OPA's own wasm target implements inside the module (its compiler's table of
 * natives); every other built-in is SDK-dependent there, so an opa-wasm host must provide it for
 * OPA's modules too. A regent module that needs from its host only SDK-dependent built-ins, under
 * these names, runs wherever OPA's modules run.
 */
export const OPA_WASM_NATIVE: ReadonlySet<string> = new Set(`plus minus mul div abs round ceil floor rem array.concat
array.reverse array.slice set_diff and or intersection union is_number is_string is_boolean is_array is_set is_object
is_null type_name bits.or bits.and bits.negate bits.xor bits.lsh bits.rsh count sum product max min sort all any
base64.is_valid base64.decode base64.encode base64url.encode base64url.decode net.cidr_contains net.cidr_overlap
net.cidr_intersects equal gt gte lt lte neq glob.match json.marshal json.unmarshal json.is_valid object.filter
object.get object.remove object.union concat format_int indexof substring lower upper contains startswith endswith
strings.reverse split replace strings.replace_n trim trim_left trim_prefix trim_right trim_suffix trim_space
numbers.range to_number walk graph.reachable regex.is_valid regex.match re_match regex.find_all_string_submatch_n
json.remove json.filter internal.member_2 internal.member_3`.split(/\s+/));

export function lookupBuiltin(name: string): BuiltinDecl | undefined {
  return Object.prototype.hasOwnProperty.call(BUILTINS, name) ? BUILTINS[name] : undefined;
}

const names = (impl: BuiltinImpl): readonly string[] =>
  Object.freeze(
    Object.values(BUILTINS).filter((d) => d.impl === impl && !COMPILER_PLANNED.has(d.name)).map((d) => d.name),
  );

/** Built-ins the wasm runtime implements (eq, assign and print are left out: the compiler plans them itself). */
export const NATIVE_BUILTINS: readonly string[] = names("native");
/** Built-ins src/builtins/index.ts implements; a module lists those it calls in `builtins()`. */
export const HOST_BUILTINS: readonly string[] = names("host");
export const UNSUPPORTED_BUILTINS: readonly string[] = names("unsupported");

/**
 * Host built-ins also served as `jsonTextAlias(name)` ("regent:<name>") with another calling
 * convention: every operand is JSON text, as the runtime's (exact) json.marshal writes it. The
 * compiler calls these through the alias, which gets past two limits of the opa-wasm SDK at once:
 * its own versions of the shadowed built-ins (sprintf's `%v` of composites), and the float64
 * rounding of integer operands beyond 2^53 (`sprintf("%v", [sum(...)])`, `time.format(ns)`). A
 * module that lists these names needs regent's host table, not only the SDK's.
 */
export const JSON_TEXT_BUILTINS: readonly string[] = [
  "sprintf", "regex.split", "yaml.is_valid", "yaml.marshal", "yaml.unmarshal",
  "time.date", "time.clock", "time.weekday", "time.format", "time.diff", "time.add_date",
];

export function jsonTextAlias(name: string): string {
  return `regent:${name}`;
}
