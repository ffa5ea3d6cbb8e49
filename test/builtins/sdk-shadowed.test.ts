// The opa-wasm SDK's own versions of sprintf, regex.split, yaml.* shadow customBuiltins of the same name.
// This compares them with OPA's behaviour (conformance expectations) next to regent's versions, so the lead
// can decide whether the backend should call regent's under jsonTextAlias(name) (operands as JSON text).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { hostBuiltins, jsonTextAlias, strictHostBuiltins } from "../../src/builtins/index.js";

type Fn = (...a: unknown[]) => unknown;
const req = createRequire(import.meta.url);
const sdk = req(join(dirname(req.resolve("@open-policy-agent/opa-wasm")), "builtins/index.js")) as Record<string, Fn>;
/** regent's version through the regent: convention: every operand as JSON text. */
const ours = (n: string) => (...args: unknown[]) => hostBuiltins[jsonTextAlias(n)]!(...args.map((a) => JSON.stringify(a)));

describe("SDK-shadowed built-ins versus OPA", () => {
  it("sprintf: SDK agrees on plain verbs, not on composites (strings/sprintf: composite)", () => {
    expect(sdk.sprintf!("%d-%s", [1, "a"])).toBe("1-a");
    expect(sdk.sprintf!("hi %v", [["there", 5, 3.14]])).toBe("hi there,5,3.14");
    expect(ours("sprintf")("hi %v", [["there", 5, 3.14]])).toBe('hi ["there", 5, 3.14]');
  });
  it("regex.split: SDK uses String.split, which leaks capture groups", () => {
    expect(sdk["regex.split"]!("a(,)", "xa,y")).toEqual(["x", ",", "y"]);
    expect(ours("regex.split")("a(,)", "xa,y")).toEqual(["x", "y"]);
  });
  it("yaml.is_valid: SDK is undefined on non-strings and ignores later documents (jsonbuiltins)", () => {
    expect(sdk["yaml.is_valid"]!(1)).toBeUndefined();
    expect(ours("yaml.is_valid")(1)).toBe(false);
    expect(sdk["yaml.is_valid"]!("a: 1\n---\nb: 2\n")).toBe(false);
    expect(ours("yaml.is_valid")("a: 1\n---\nb: 2\n")).toBe(true);
  });
  it("yaml.unmarshal: SDK never raises, so strict mode cannot report a bad document", () => {
    expect(sdk["yaml.unmarshal"]!("a: [")).toBeUndefined();
    expect(() => strictHostBuiltins[jsonTextAlias("yaml.unmarshal")]!(JSON.stringify("a: ["))).toThrow(/yaml.unmarshal/);
  });
  it("json.is_valid: SDK is undefined on non-strings where OPA says false (jsonbuiltins)", () => {
    expect(sdk["json.is_valid"]!(1)).toBeUndefined();
  });
});
