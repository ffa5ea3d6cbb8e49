// uuid built-ins against the uuid conformance folder.
import { describe, expect, it } from "vitest";
import { createHostBuiltins } from "../../src/builtins/index.js";
import { HostContext } from "../../src/builtins/context.js";
import { uuidBuiltins } from "../../src/builtins/uuid.js";

const u = uuidBuiltins(new HostContext());

describe("uuid.parse", () => {
  it("reads v2 fields (uuid-parse/positive-v2, -urn)", () => {
    const want = {
      clocksequence: 12800, domain: "Person", id: 1000, macvariables: "local:unicast", nodeid: "32-50-96-b3-9f-47",
      time: 1693566990121469600n, variant: "RFC4122", version: 2,
    };
    expect(u["uuid.parse"]!("000003e8-48b9-21ee-b200-325096b39f47")).toEqual(want);
    expect(u["uuid.parse"]!("urn:uuid:000003e8-48b9-21ee-b200-325096b39f47")).toEqual(want);
  });
  it("reads v3/v4 in every accepted form", () => {
    expect(u["uuid.parse"]!("{00000000-0000-4000-8000-000000000000}")).toEqual({ variant: "RFC4122", version: 4 });
    expect(u["uuid.parse"]!("6bea8ef2d3d33cd184e09bab06a52ece")).toEqual({ variant: "RFC4122", version: 3 });
    expect(u["uuid.parse"]!("38074da4-0b00-388d-9c3c-362de965547a")).toEqual({ variant: "RFC4122", version: 3 });
  });
  it("is undefined for non-UUIDs (uuid-parse/negative) unless strict", () => {
    expect(createHostBuiltins().functions["uuid.parse"]!(123)).toBeUndefined();
    expect(createHostBuiltins().functions["uuid.parse"]!("nope")).toBeUndefined();
    expect(() => createHostBuiltins({ strict: true }).functions["uuid.parse"]!("nope")).toThrow("invalid UUID");
  });
});

describe("uuid.rfc4122", () => {
  it("is fixed per key within one evaluation and fresh in the next", () => {
    const t = createHostBuiltins();
    const f = t.functions["uuid.rfc4122"]!;
    t.beginEvaluation();
    const a = f("key");
    expect(f("key")).toBe(a);
    expect(f("other")).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    t.beginEvaluation();
    expect(f("key")).not.toBe(a);
  });
});
