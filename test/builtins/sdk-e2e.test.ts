// The host table end to end: a policy compiled by regent, loaded by the published opa-wasm SDK with
// createHostBuiltins(), calling host built-ins whose results need exact big integers, sets and one
// time.now_ns per evaluation.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler/index.js";
import { loadPolicy } from "../../src/evaluator/index.js";
import { createHostBuiltins } from "../../src/builtins/index.js";

const source = `package t
exact if time.parse_rfc3339_ns("2262-04-11T23:47:16.854775807Z") == 9223372036854775807
big_ok if units.parse_bytes("10eib") == 11529215046068469760
m if regex.match("^a+$", input.s)
s := sprintf("%v-%d", [input.s, 3])
same if time.now_ns() == time.now_ns()
is_set_result if is_set(net.cidr_expand("10.0.0.0/31"))
bad_regex := regex.match("[", "x")
`;

describe("host built-ins through the opa-wasm SDK", () => {
  it("evaluates a compiled policy with regent's table", async () => {
    const compiled = await compile({ modules: [{ path: "t.rego", source }], entrypoints: ["t"] });
    expect(compiled.builtins).toEqual(expect.arrayContaining(["time.parse_rfc3339_ns", "units.parse_bytes", "regex.match"]));
    const table = createHostBuiltins();
    const policy = await loadPolicy(compiled.wasm, { builtins: table.functions });
    table.beginEvaluation();
    const [{ result }] = policy.evaluate({ s: "aaa" }) as [{ result: Record<string, unknown> }];
    expect(result).toMatchObject({ exact: true, big_ok: true, m: true, s: "aaa-3", same: true, is_set_result: true });
    // A built-in error is undefined outside strict mode, so the rule is undefined.
    expect(result).not.toHaveProperty("bad_regex");
  }, 60_000);
});
