// Checks the built-in declarations against OPA facts: arities from OPA's capabilities, the native list
// of DESIGN.md, and that every decl is consistent (unsupported ones say why).
import { describe, expect, it } from "vitest";
import { BUILTINS, HOST_BUILTINS, NATIVE_BUILTINS, lookupBuiltin } from "../../src/builtins/decls.js";

describe("builtin declarations", () => {
  it("knows OPA arities", () => {
    expect(lookupBuiltin("count")).toMatchObject({ arity: 1, impl: "native" });
    expect(lookupBuiltin("regex.template_match")).toMatchObject({ arity: 4, impl: "host" });
    expect(lookupBuiltin("time.now_ns")).toMatchObject({ arity: 0, impl: "host" });
    expect(lookupBuiltin("time.add_date")).toMatchObject({ arity: 4 });
    expect(lookupBuiltin("object.get")).toMatchObject({ arity: 3, impl: "native" });
    expect(lookupBuiltin("internal.member_3")).toMatchObject({ arity: 3, impl: "native" });
    expect(lookupBuiltin("io.jwt.encode_sign")).toMatchObject({ arity: 3, impl: "host" });
  });

  it("rejects unknown names, including Object.prototype keys", () => {
    expect(lookupBuiltin("no.such")).toBeUndefined();
    expect(lookupBuiltin("toString")).toBeUndefined();
    expect(lookupBuiltin("__proto__")).toBeUndefined();
  });

  it("marks network and nondeterministic built-ins unsupported with a reason", () => {
    for (const n of ["http.send", "opa.runtime", "net.lookup_ip_addr", "rand.intn", "trace"]) {
      const d = lookupBuiltin(n);
      expect(d?.impl).toBe("unsupported");
      expect(d?.unsupported).toMatch(/\w+/);
    }
  });

  it("has exactly DESIGN's native list plus compiler-planned operators", () => {
    // The list from the issue / DESIGN.md, copied verbatim.
    const design = `equal neq lt lte gt gte plus minus mul div rem abs round ceil floor numbers.range count sum product
      max min sort concat contains startswith endswith lower upper split trim trim_left trim_right trim_prefix
      trim_suffix trim_space indexof substring replace strings.reverse to_number format_int object.get object.keys
      object.union object.remove union intersection and or array.concat array.slice array.reverse glob.match
      net.cidr_contains base64.encode base64.decode base64.is_valid base64url.encode base64url.encode_no_pad
      base64url.decode json.marshal json.unmarshal json.is_valid io.jwt.decode is_number is_string is_boolean is_array
      is_object is_set is_null type_name internal.member_2 internal.member_3 bits.and bits.or bits.xor bits.negate
      bits.lsh bits.rsh hex.encode hex.decode walk object.subset strings.replace_n net.cidr_contains_matches object.filter graph.reachable net.cidr_intersects
      json.filter json.remove internal.template_string`.split(/\s+/);
    expect([...NATIVE_BUILTINS].sort()).toEqual([...design].sort());
    expect(NATIVE_BUILTINS).not.toContain("eq");
    expect(NATIVE_BUILTINS).not.toContain("sprintf");
    expect(HOST_BUILTINS).toContain("sprintf");
    expect(NATIVE_BUILTINS).toContain("walk");
    expect(lookupBuiltin("eq")?.special).toBeDefined();
  });

  it("flags relations, sets and deprecations", () => {
    expect(lookupBuiltin("walk")?.relation).toBe(true);
    expect(lookupBuiltin("net.cidr_expand")?.returns).toBe("set");
    expect(lookupBuiltin("graph.reachable")?.returns).toBe("set");
    expect(lookupBuiltin("regex.match")?.returns).toBe("boolean");
    expect(lookupBuiltin("re_match")?.deprecated).toBe(true);
    for (const d of Object.values(BUILTINS)) {
      expect(d.impl === "unsupported").toBe(d.unsupported !== undefined);
      expect(d.arity).toBeGreaterThanOrEqual(0);
      expect(d.arity).toBeLessThanOrEqual(4); // the SDK only imports opa_builtin0..4
    }
  });
});
