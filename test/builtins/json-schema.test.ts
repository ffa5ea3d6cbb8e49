// json.verify_schema / json.match_schema against OPA's documented examples (gojsonschema error shape)
// and JSON Schema draft-07 keyword semantics.
import { describe, expect, it } from "vitest";
import { jsonSchemaBuiltins as j } from "../../src/builtins/json-schema.js";

const match = j["json.match_schema"]!;
const verify = j["json.verify_schema"]!;

describe("json.verify_schema", () => {
  it("accepts valid schemas given as objects or JSON text", () => {
    expect(verify({ properties: { id: { type: "integer" } }, required: ["id"] })).toEqual([true, null]);
    expect(verify('{"type": ["string", "null"]}')).toEqual([true, null]);
  });
  it("reports invalid ones", () => {
    const [ok, msg] = verify({ type: "integ" }) as [boolean, string];
    expect(ok).toBe(false);
    expect(msg).toMatch(/has a primitive type that is NOT VALID/);
    expect((verify({ required: "id" }) as unknown[])[0]).toBe(false);
    expect((verify({ properties: { a: { minLength: -1 } } }) as unknown[])[0]).toBe(false);
    expect((verify({ $ref: "http://example.com/s.json" }) as unknown[])[0]).toBe(false);
    expect(() => verify("{")).toThrow(/json.verify_schema: operand 1/);
  });
});

describe("json.match_schema", () => {
  const schema = { properties: { id: { type: "integer" } } };
  it("matches OPA's documented example", () => {
    expect(match({ id: 5 }, schema)).toEqual([true, []]);
    expect(match({ id: "foo" }, schema)).toEqual([false, [{
      desc: "Invalid type. Expected: integer, given: string",
      error: "id: Invalid type. Expected: integer, given: string",
      field: "id",
      type: "invalid_type",
    }]]);
    expect(match('{"id": 7}', JSON.stringify(schema))).toEqual([true, []]);
  });
  it("applies the common keywords", () => {
    const s = {
      type: "object",
      required: ["name", "tags"],
      additionalProperties: false,
      properties: {
        name: { type: "string", minLength: 2, pattern: "^[a-z]+$" },
        tags: { type: "array", items: { enum: ["a", "b"] }, uniqueItems: true, maxItems: 2 },
        n: { type: "number", minimum: 0, exclusiveMaximum: 10 },
        ref: { $ref: "#/definitions/pos" },
      },
      definitions: { pos: { type: "integer", minimum: 1 } },
    };
    expect(match({ name: "ab", tags: ["a"], n: 9.5, ref: 3 }, s)).toEqual([true, []]);
    const [ok, errs] = match({ name: "A", tags: ["a", "a", "c"], n: 10, ref: 0, extra: 1 }, s) as [boolean, Array<{ field: string; type: string }>];
    expect(ok).toBe(false);
    expect(errs.map((e) => `${e.field}:${e.type}`).sort()).toEqual([
      "(root):additional_property_not_allowed", "n:number_lt", "name:pattern", "name:string_gte", "ref:number_gte",
      "tags.2:enum", "tags:array_max_items", "tags:unique",
    ]);
    expect((match({}, s) as [boolean, Array<{ desc: string }>])[1].map((e) => e.desc)).toEqual(["name is required", "tags is required"]);
  });
  it("combines schemas", () => {
    expect((match(5, { anyOf: [{ type: "string" }, { minimum: 3 }] }) as unknown[])[0]).toBe(true);
    expect((match(5, { oneOf: [{ type: "integer" }, { minimum: 3 }] }) as unknown[])[0]).toBe(false);
    expect((match(5, { not: { type: "integer" } }) as unknown[])[0]).toBe(false);
    // A string document is JSON text, as in OPA.
    expect((match('"x"', { if: { type: "string" }, then: { minLength: 2 } }) as unknown[])[0]).toBe(false);
    expect((match(1, false) as unknown[])[0]).toBe(false);
  });
  it("refuses a bad schema as a built-in error", () => {
    expect(() => match({}, { type: 5 })).toThrow(/json.match_schema: invalid schema/);
    expect(() => match({}, { $ref: "#/nope" })).toThrow(/does not resolve/);
  });
});
