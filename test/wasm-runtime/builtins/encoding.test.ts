/**
 * Encoding natives (base64*, base64url*, hex.*, json.*) through the real backend, runtime and
 * SDK, checked against OPA's expected values and against Node's own codecs on the same bytes.
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, UNDEF, type Row } from "./harness.js";

const samples = ["", "f", "fo", "foo", "foob", "fooba", "foobar", "subjects?_d", "åäö €𝄞", "~~~???>>>"];

const rows: Row[] = [
  ["base64.encode", ["there"], "dGhlcmU="],
  ["base64.decode", ["aGVsbG8="], "hello"],
  ["base64.encode", ["subjects?_d"], "c3ViamVjdHM/X2Q="],
  ["base64.decode", ["c3ViamVjdHM/X2Q="], "subjects?_d"],
  ["base64.decode", ["aGVsbG8"], UNDEF],
  ["base64.decode", ["aGVsbG8=="], UNDEF],
  ["base64.decode", ["aGV*bG8="], UNDEF],
  ["base64.decode", ["aGVs\nbG8="], "hello"],
  ["base64.decode", ["c3ViamVjdHM_X2Q="], UNDEF],
  ["base64.decode", [""], ""],
  ["base64.decode", [1], err("base64.decode: operand 1 must be string but got number")],
  ["base64.encode", [[]], err("base64.encode: operand 1 must be string but got array")],
  ["base64.is_valid", ["aGVsbG8="], true],
  ["base64.is_valid", ["aGVsbG8"], false],
  ["base64.is_valid", ["a="], false],
  ["base64.is_valid", [""], true],
  ["base64.is_valid", [null], err("base64.is_valid: operand 1 must be string but got null")],
  ["base64url.encode", ["hello"], "aGVsbG8="],
  ["base64url.encode", ["subjects?_d"], "c3ViamVjdHM_X2Q="],
  ["base64url.encode_no_pad", ["hello"], "aGVsbG8"],
  ["base64url.encode_no_pad", ["there"], "dGhlcmU"],
  ["base64url.decode", ["aGVsbG8="], "hello"],
  ["base64url.decode", ["aGVsbG8"], "hello"],
  ["base64url.decode", ["c3ViamVjdHM_X2Q"], "subjects?_d"],
  ["base64url.decode", ["c3ViamVjdHM/X2Q="], UNDEF],
  ["base64url.decode", ["aGVsb"], UNDEF],
  ["base64url.decode", [5], err("base64url.decode: operand 1 must be string but got number")],
  ["hex.encode", ["hello"], "68656c6c6f"],
  ["hex.encode", ["åä"], "c3a5c3a4"],
  ["hex.decode", ["68656C6c6f"], "hello"],
  ["hex.decode", ["fghijkl"], UNDEF],
  ["hex.decode", ["abc"], UNDEF],
  ["hex.decode", [""], ""],
  ["hex.decode", [{}], err("hex.decode: operand 1 must be string but got object")],
  ["json.marshal", [[{ foo: new Set([3, 1, 2]) }]], '[{"foo":[1,2,3]}]'],
  ["json.marshal", [{ b: "x\"y", a: null }], '{"a":null,"b":"x\\"y"}'],
  ["json.marshal", ["é<>&"], '"é\\u003c\\u003e\\u0026"'],
  ["json.unmarshal", ['{"a": [1, 2.5, "x", true, null]}'], { a: [1, 2.5, "x", true, null] }],
  ["json.unmarshal", ['"just a string"'], "just a string"],
  ["json.unmarshal", ["{"], UNDEF],
  ["json.unmarshal", ["plainstring"], UNDEF],
  ["json.unmarshal", [1], err("json.unmarshal: operand 1 must be string but got number")],
  ["json.is_valid", ["plainstring"], false],
  ["json.is_valid", ["{"], false],
  ["json.is_valid", ['{"json": "ok"}'], true],
  ["json.is_valid", [1], false],
  ["json.is_valid", ['{"a":1} x'], false],
  ["json.is_valid", ["[1,]"], false],
  ["json.is_valid", [" 1 "], true],
  ["json.is_valid", ["nul"], false],
  ["json.is_valid", ['"\\u00e9"'], true],
];

// Round trips against Node's codecs on the same bytes.
for (const s of samples) {
  const b = Buffer.from(s, "utf8");
  rows.push(["base64.encode", [s], b.toString("base64")]);
  rows.push(["base64.decode", [b.toString("base64")], s]);
  rows.push(["base64url.encode_no_pad", [s], b.toString("base64url")]);
  rows.push(["base64url.decode", [b.toString("base64url")], s]);
  rows.push(["hex.encode", [s], b.toString("hex")]);
  rows.push(["hex.decode", [b.toString("hex")], s]);
}

describe("encoding natives", () => {
  it("match OPA's results and errors", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });
});
