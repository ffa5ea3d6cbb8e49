/**
 * OPA's strict built-in errors: with the runtime's switch on, failures that are not type errors
 * raise eval_builtin_error with OPA's message (conformance cases marked strict_error) instead of
 * being undefined. Runs every family's failure path through the real backend, runtime and SDK.
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, type Row } from "./harness.js";

const rows: Row[] = [
  ["hex.decode", ["fghijkl"], err("eval_builtin_error: case.rego:1:1: hex.decode: encoding/hex: invalid byte: U+0067 'g'")],
  ["hex.decode", ["abc"], err("hex.decode: encoding/hex: odd length hex string")],
  ["hex.decode", ["ab\u00e9"], err("hex.decode: encoding/hex: invalid byte: U+00C3")],
  ["base64.decode", ["aGV*bG8="], err("base64.decode: illegal base64 data at input byte 3")],
  ["base64url.decode", ["aGVsb"], err("base64url.decode: illegal base64 data")],
  ["net.cidr_contains", ["not-a-cidr", "192.168.1.67"], err("eval_builtin_error")],
  ["net.cidr_contains", ["192.168.1.0/28", "not-a-cidr"], err("eval_builtin_error")],
  ["io.jwt.decode", ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImVuYyI6ImJsYWgifQ.eyJuZXciOiJJIGFtIGEgdXNlciBjcmVhdGVkIGZpZWxkIiwiaXNzIjoib3BhIn0.McGUb1e-UviZKy6UyQErNNQzEUgeV25Buwk7OHOa8U8"],
    err("JWT is a JWE object, which is not supported")],
  ["io.jwt.decode", ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0"], err("encoded JWT had no period separators")],
  ["io.jwt.decode", ["a.b"], err("encoded JWT must have 3 sections, found 2")],
  ["io.jwt.decode", ["eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY"],
    err("JWT header had invalid encoding: illegal base64 data at input byte 13")],
  ["io.jwt.decode", ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwia/XNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY"],
    err("JWT payload had invalid encoding: illegal base64 data at input byte 17")],
  ["to_number", ["broken"], err("to_number: strconv.ParseFloat: invalid syntax")],
  ["indexof", ["abc", ""], err("indexof: empty search character")],
  ["substring", ["abc", -1, 1], err("substring: negative offset")],
  ["glob.match", ["[", null, "x"], err("glob.match: ")],
  ["json.unmarshal", ["{"], err("json.unmarshal: ")],
  // Successful calls are unaffected by the switch.
  ["hex.decode", ["6869"], "hi"],
  ["net.cidr_contains", ["10.0.0.0/8", "10.1.2.3"], true],
];

describe("strict built-in errors", () => {
  it("turn failures into eval_builtin_error with OPA's messages", async () => {
    const failures = (await checkRows(rows, { strict: true })).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
