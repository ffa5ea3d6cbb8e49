/**
 * String natives, run through the real backend, runtime and opa-wasm SDK. Expected values are
 * OPA's (Go strings package semantics; conformance folders strings/ and trim*).
 */
import { describe, expect, it } from "vitest";
import { checkRows, err, num, UNDEF, type Row, type Val } from "./harness.js";

const rows: Row[] = [
  // concat
  ["concat", ["/", ["", "foo", "bar", "0", "baz"]], "/foo/bar/0/baz"],
  ["concat", [",", new Set(["b", "a", "c"])], "a,b,c"],
  ["concat", ["--", []], ""],
  ["concat", ["", ["f", "o", "o"]], "foo"],
  ["concat", ["/", "ab"], err("concat: operand 2 must be one of {set, array} but got string")],
  ["concat", [1, ["a"]], err("concat: operand 1 must be string but got number")],
  ["concat", ["/", ["a", 1]], err("concat: operand 2 must be array of strings but got array containing number")],
  ["concat", ["/", new Set(["a", null])], err("concat: operand 2 must be set of strings but got set containing null")],
  // contains / startswith / endswith
  ["contains", ["abcdefgh", "defg"], true],
  ["contains", ["abcdefgh", "defx"], false],
  ["contains", ["abc", ""], true],
  ["contains", ["", "a"], false],
  ["contains", ["abc", 1], err("contains: operand 2 must be string but got number")],
  ["startswith", ["abcdefgh", "abcd"], true],
  ["startswith", ["abc", "abcd"], false],
  ["startswith", ["åäö", "å"], true],
  ["endswith", ["abcdefgh", "fgh"], true],
  ["endswith", ["abcdefgh", "fg"], false],
  ["endswith", [1, "fg"], err("endswith: operand 1 must be string but got number")],
  // lower / upper
  ["lower", ["AbCdEf"], "abcdef"],
  ["upper", ["AbCdEf"], "ABCDEF"],
  ["upper", ["straße àéîõü ÿ µ"], "STRAßE ÀÉÎÕÜ Ÿ Μ"],
  ["lower", ["ÀÉÎÕÜ ĀĞİŁ ΑΒΓΩΆ ЖЩЯЁЇ"], "àéîõü āğił αβγωά жщяёї"],
  ["upper", ["αβγως άέ жщяёї ğı"], "ΑΒΓΩΣ ΆΈ ЖЩЯЁЇ ĞI"],
  ["lower", ["日本 ÷ × 123"], "日本 ÷ × 123"],
  ["lower", ["ḀẞＡԱ ϹϷϽͰ"], "ḁßａա ϲϸͻͱ"],
  ["upper", ["ḁẛａա ϲϐϕͱ"], "ḀṠＡԱ ϹΒΦͰ"],
  ["upper", ["ƀǆ"], "ɃǄ"],
  ["lower", [true], err("lower: operand 1 must be string but got boolean")],
  // split
  ["split", ["foo.bar.baz", "."], ["foo", "bar", "baz"]],
  ["split", ["foo", "."], ["foo"]],
  ["split", ["", "."], [""]],
  ["split", ["test", ""], ["t", "e", "s", "t"]],
  ["split", ["", ""], []],
  ["split", ["a..b.", "."], ["a", "", "b", ""]],
  ["split", ["åäö", ""], ["å", "ä", "ö"]],
  ["split", ["a::b::c", "::"], ["a", "b", "c"]],
  ["split", ["a", 1], err("split: operand 2 must be string but got number")],
  // replace
  ["replace", ["foo.bar", ".", ","], "foo,bar"],
  ["replace", ["foo.bar.baz", ".", ","], "foo,bar,baz"],
  ["replace", ["foo...bar", "..", ",,"], "foo,,.bar"],
  ["replace", ["abc", "x", "y"], "abc"],
  ["replace", ["abc", "", "-"], "-a-b-c-"],
  ["replace", ["åä", "", "."], ".å.ä."],
  ["replace", ["aaa", "a", ""], ""],
  ["replace", ["abc", "b", "βββ"], "aβββc"],
  ["replace", ["abc", "b", 1], err("replace: operand 3 must be string but got number")],
  // trim family
  ["trim", ["", "."], ""],
  ["trim", ["...foo.bar", "."], "foo.bar"],
  ["trim", ["...foo.bar...", "."], "foo.bar"],
  ["trim", ["...foo.bar...", ".o"], "foo.bar"],
  ["trim", ["  abc  ", ""], "  abc  "],
  ["trim", ["ääxää", "ä"], "x"],
  ["trim", ["aaa", "a"], ""],
  ["trim_left", ["...foo...", "."], "foo..."],
  ["trim_left", ["ababx", "ab"], "x"],
  ["trim_right", ["...foo...", "."], "...foo"],
  ["trim_right", ["xöäö", "öä"], "x"],
  ["trim_prefix", ["foo.bar", "foo."], "bar"],
  ["trim_prefix", ["foo.bar", "bar"], "foo.bar"],
  ["trim_suffix", ["foo.bar", ".bar"], "foo"],
  ["trim_suffix", ["foo.bar", "foo"], "foo.bar"],
  ["trim_space", ["  \t\n foo bar \r\n"], "foo bar"],
  ["trim_space", ["\u00a0\u2003x\u3000"], "x"],
  ["trim_space", ["   "], ""],
  ["trim", [1, "."], err("trim: operand 1 must be string but got number")],
  ["trim_suffix", ["a", null], err("trim_suffix: operand 2 must be string but got null")],
  // indexof (code points)
  ["indexof", ["abcdef", "cd"], 2],
  ["indexof", ["abcdef", "x"], -1],
  ["indexof", ["μx", "x"], 1],
  ["indexof", ["μ", "μμ"], -1],
  ["indexof", ["skön var våren", "vår"], 9],
  ["indexof", ["🍧🍨🧁🍰🍮", "🍮"], 4],
  ["indexof", ["🍧🍨🧁🍰🍮", "🍧🍨🧁🍰🍮"], 0],
  ["indexof", ["aab", "ab"], 1],
  ["indexof", ["abc", ""], UNDEF],
  ["indexof", [["a"], "a"], err("indexof: operand 1 must be string but got array")],
  // substring (code points)
  ["substring", ["abcdefgh", 2, 3], "cde"],
  ["substring", ["abcdefgh", 2, -1], "cdefgh"],
  ["substring", ["aåäö", 2, -1], "äö"],
  ["substring", ["abcdefgh", 2, 10000], "cdefgh"],
  ["substring", ["abcdefghåäö", 2, 10000], "cdefghåäö"],
  ["substring", ["aaa", 4, -1], ""],
  ["substring", ["åäö", 4, -1], ""],
  ["substring", ["åäö", 3, 1], ""],
  ["substring", ["åäö", 1, 1], "ä"],
  ["substring", ["abc", 0, 0], ""],
  ["substring", ["abc", -1, 1], UNDEF],
  ["substring", ["", -1, 1], UNDEF],
  ["substring", ["abc", 1.5, 1], err("substring: operand 2 must be integer number but got floating-point number")],
  ["substring", ["abc", num("1.0"), 1], "b"],
  ["substring", ["abc", "1", 1], err("substring: operand 2 must be number but got string")],
  // strings.reverse
  ["strings.reverse", ["abc"], "cba"],
  ["strings.reverse", ["åäö!"], "!öäå"],
  ["strings.reverse", ["😇x😀"], "😀x😇"],
  ["strings.reverse", [""], ""],
  ["strings.reverse", [1], err("strings.reverse: operand 1 must be string but got number")],
  // strings.replace_n: Go's strings.NewReplacer over the patterns in key order (replacen folder)
  ["strings.replace_n", [{ info: "X", anotherinfo: "Y" }, "anotherinfo"], "Y"],
  ["strings.replace_n", [{ a: "YY", bba: "bX" }, "bbab"], "bXb"],
  ["strings.replace_n", [{ ab: "b", b: "Y" }, "baaabbbba"], "YaabYYYa"],
  ["strings.replace_n", [{ a: "b", b: "a" }, "abba"], "baab"],
  ["strings.replace_n", [{ a: "Xa", ab: "X", ba: "bYa", aaa: "X" }, "aaaaab"], "XaXaXaXaXab"],
  ["strings.replace_n", [{ aab: "Y", a: "", b: "" }, "bbaab"], ""],
  ["strings.replace_n", [{ "": "X" }, ""], "X"],
  ["strings.replace_n", [{ "": "X" }, "ab"], "XaXbX"],
  ["strings.replace_n", [{ "": "X", a: "Y" }, "ab"], "XYXbX"],
  ["strings.replace_n", [{}, "same"], "same"],
  ["strings.replace_n", [{ a: 1 }, "foo"], err("strings.replace_n: operand 1 non-string value found in pattern object")],
  ["strings.replace_n", [new Map<Val, Val>([[1, "x"]]), "foo"], err("strings.replace_n: operand 1 non-string key found in pattern object")],
  ["strings.replace_n", [{ foo: "baz" }, 1], err("strings.replace_n: operand 2 must be string but got number")],
  ["strings.replace_n", [["foo"], "x"], err("strings.replace_n: operand 1 must be object but got array")],
];

describe("string natives", () => {
  it("match OPA's results and errors", async () => {
    const failures = (await checkRows(rows)).filter((f) => f !== null);
    expect(failures).toEqual([]);
  });

  it("report the call's location in type errors", async () => {
    const failures = await checkRows([
      ["upper", [1], err("eval_type_error: case.rego:1:1: upper: operand 1 must be string but got number")],
      ["concat", ["", [1]], err("eval_type_error: case.rego:2:1: concat: operand 2 must be array of strings but got array containing number")],
      ["substring", ["a", 0.5, 1], err("eval_type_error: case.rego:3:1: substring: operand 2 must be integer number but got floating-point number")],
    ]);
    expect(failures).toEqual([null, null, null]);
  });
});
