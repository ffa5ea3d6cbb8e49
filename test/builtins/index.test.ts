// The host table as the SDK receives it: complete against decls.ts, strict/non-strict error rules, exact
// big integers, and no crash on malformed operands.
import { describe, expect, it } from "vitest";
import { HOST_BUILTINS, lookupBuiltin } from "../../src/builtins/decls.js";
import {
  createHostBuiltins, hostBuiltins, JSON_TEXT_BUILTINS, jsonTextAlias, SDK_SHADOWED_BUILTINS, strictHostBuiltins,
} from "../../src/builtins/index.js";
import { RegentError } from "../../src/errors.js";

describe("host built-in table", () => {
  it("implements exactly the decls with impl host, plus their regent: JSON-text aliases", () => {
    expect(Object.keys(hostBuiltins).sort()).toEqual([...HOST_BUILTINS, ...JSON_TEXT_BUILTINS.map(jsonTextAlias)].sort());
    for (const n of SDK_SHADOWED_BUILTINS) expect(lookupBuiltin(n)?.impl).not.toBe("unsupported");
    for (const n of SDK_SHADOWED_BUILTINS.filter((x) => HOST_BUILTINS.includes(x))) expect(JSON_TEXT_BUILTINS).toContain(n);
  });

  it("regent: aliases take JSON text and keep big integers exact (aggregates/bignum exact, time/format)", () => {
    const sp = hostBuiltins[jsonTextAlias("sprintf")]!;
    expect(sp('"%v %v"', "[18446744073709551618, 1.5]")).toBe("18446744073709551618 1.5");
    expect(sp('"%v"', '[[1, "a"]]')).toBe('[1, "a"]');
    expect(hostBuiltins[jsonTextAlias("time.format")]!("1670006453141828752")).toBe("2022-12-02T18:40:53.141828752Z");
    const add = createHostBuiltins().functions[jsonTextAlias("time.add_date")]!("1585852421593912001", "0", "0", "1");
    expect(new TextDecoder().decode(add as ArrayBuffer)).toBe("1585938821593912001");
    expect(hostBuiltins[jsonTextAlias("sprintf")]!("%v", "[1]")).toBeUndefined(); // not JSON text
    expect(() => strictHostBuiltins[jsonTextAlias("sprintf")]!(1, "[1]")).toThrow(/must be JSON text/);
  });

  it("never throws anything but RegentError on malformed operands, and nothing at all by default", () => {
    const junk: unknown[] = [null, 1, -1.5, "", "x", [], [1, "a"], {}, { a: [null] }, true];
    for (const name of HOST_BUILTINS) {
      const arity = lookupBuiltin(name)!.arity;
      for (const j of junk) {
        const args = Array.from({ length: arity }, () => j);
        expect(() => hostBuiltins[name]!(...args), name).not.toThrow();
        try {
          strictHostBuiltins[name]!(...args);
        } catch (e) {
          expect(e, name).toBeInstanceOf(RegentError);
          expect(["eval_type_error", "eval_builtin_error"]).toContain((e as RegentError).code);
        }
      }
    }
  });

  it("gives strict errors their codes", () => {
    try {
      strictHostBuiltins["time.parse_rfc3339_ns"]!("nope");
      expect.unreachable();
    } catch (e) {
      expect((e as RegentError).code).toBe("eval_builtin_error");
      expect((e as RegentError).message).toMatch(/^time.parse_rfc3339_ns: parsing time "nope"/);
    }
  });

  it("hands exact big integers to the SDK as JSON text", () => {
    const v = createHostBuiltins().functions["time.parse_rfc3339_ns"]!("2262-04-11T23:47:16.854775807Z");
    expect(new TextDecoder().decode(v as ArrayBuffer)).toBe("9223372036854775807");
    expect(hostBuiltins["units.parse_bytes"]!("10KB")).toBe(10000);
  });
});
