// regex family against OPA's conformance expectations (regexmatch, regexfind*, regexreplace, regexsplit,
// globsmatch folders) and Go regexp semantics from its docs.
import { describe, expect, it } from "vitest";
import { regexBuiltins as r } from "../../src/builtins/regex.js";
import { hostBuiltins, strictHostBuiltins } from "../../src/builtins/index.js";
import { translateRe2 } from "../../src/builtins/re2.js";

describe("regex.match", () => {
  it("matches as the corpus says", () => {
    expect(r["regex.match"]!("^[a-z]+\\[[0-9]+\\]$", "foo[1]")).toBe(true);
    expect(r["regex.match"]!("^$", "")).toBe(true);
    expect(r["regex.match"]!("", "x")).toBe(true);
    expect(r["regex.match"]!("^$", "something")).toBe(false);
  });
  it("a bad pattern is undefined by default and an eval_builtin_error in strict mode", () => {
    expect(hostBuiltins["regex.match"]!("$^[[[", "something")).toBeUndefined();
    expect(() => strictHostBuiltins["regex.match"]!("$^[[[", "x")).toThrow(/regex.match: error parsing regexp/);
  });
  it("operand type errors are undefined by default and raise eval_type_error in strict mode (OPA #4951)", () => {
    expect(hostBuiltins["regex.match"]!(1, "x")).toBeUndefined();
    expect(() => strictHostBuiltins["regex.match"]!(1, "x")).toThrow("regex.match: operand 1 must be string but got number");
    try {
      strictHostBuiltins["regex.match"]!(1, "x");
    } catch (e) {
      expect((e as { code: string }).code).toBe("eval_type_error");
    }
  });
  it("translates RE2 syntax", () => {
    expect(r["regex.match"]!("(?i)^ABC$", "abc")).toBe(true);
    expect(r["regex.match"]!("^a\\z", "a\n")).toBe(false);
    expect(r["regex.match"]!("(?P<first>[a-z]+)-x", "ab-x")).toBe(true);
    expect(r["regex.match"]!("^[[:digit:]]+$", "123")).toBe(true);
    expect(r["regex.match"]!("^\\pL+$", "héllo")).toBe(true);
    expect(r["regex.match"]!("^\\Qa.b\\E$", "a.b")).toBe(true);
    expect(r["regex.match"]!("^\\Qa.b\\E$", "axb")).toBe(false);
    expect(r["regex.match"]!("^\\s$", "\u00a0")).toBe(false); // Go's \s is ASCII only
    expect(r["regex.match"]!("^a{2}$", "aa")).toBe(true);
    expect(r["regex.match"]!("^a{,2}$", "a{,2}")).toBe(true); // literal in RE2
    // RE2 accepts these; JavaScript's u-mode needs them rewritten.
    expect(r["regex.match"]!("^[\\w-.]+$", "a-b.c")).toBe(true);
    expect(r["regex.match"]!("^[\\d-x]+$", "1-x")).toBe(true);
    expect(r["regex.match"]!("^a\\-b\\_$", "a-b_")).toBe(true);
    expect(r["regex.match"]!("^[a-c-e]+$", "b-e")).toBe(true);
    expect(r["regex.match"]!("^[]a]+$", "]a")).toBe(true);
  });
  it("honours flag groups anywhere, as RE2 does", () => {
    const m = r["regex.match"]!;
    expect(m("^(?i)admin$", "ADMIN")).toBe(true);
    expect(m("a(?i:B)c", "abc")).toBe(true);
    expect(m("a(?i:B)c", "abC")).toBe(false);
    expect(m("(?i)a(?-i)b", "Ab")).toBe(true);
    expect(m("(?i)a(?-i)b", "AB")).toBe(false);
    expect(m("^(?i:[a-c]+)$", "AbC")).toBe(true);
    expect(m("((?i)a)b", "AB")).toBe(false);
    expect(m("(?s:a.b)", "a\nb")).toBe(true);
    expect(m("^a(?m:$)", "a\nb")).toBe(true);
    expect(m("(?i)^ÉTÉ$", "été")).toBe(true);
  });

  it("rejects what RE2 rejects", () => {
    expect(r["regex.is_valid"]!("(a)\\1")).toBe(false);
    expect(r["regex.is_valid"]!("a(?=b)")).toBe(false);
    expect(r["regex.is_valid"]!("[a-z")).toBe(false);
    expect(r["regex.is_valid"]!("a)")).toBe(false);
    expect(r["regex.is_valid"]!(".*")).toBe(true);
    expect(r["regex.is_valid"]!(1)).toBe(false);
    expect(() => translateRe2("\\k")).toThrow();
  });
});

describe("regex.find_n / find_all_string_submatch_n", () => {
  it("finds as the corpus says", () => {
    expect(r["regex.find_n"]!("a.", "paranormal", 2)).toEqual(["ar", "an"]);
    expect(r["regex.find_n"]!("a.", "paranormal", -1)).toEqual(["ar", "an", "al"]);
    const sub = r["regex.find_all_string_submatch_n"]!;
    expect(sub("[^aouiye]([aouiye])([^aouiye])?", "somestri", -1)).toEqual([
      ["som", "o", "m"], ["ri", "i", ""],
    ]);
    expect(sub("a(x*)b", "-ab-", -1)).toEqual([["ab", ""]]);
    expect(sub("a(x*)b", "-", -1)).toEqual([]);
    expect(sub("a(x*)b", "-ab-axb-", -1)).toEqual([["ab", ""], ["axb", "x"]]);
    expect(sub("[^aouiye]([aouiye])([^aouiye])?", "somestri", 1)).toEqual([["som", "o", "m"]]);
  });
  it("skips an empty match right after a match, as Go does", () => {
    expect(r["regex.find_n"]!("a*", "baaac", -1)).toEqual(["", "aaa", ""]);
  });
});

describe("regex.split / regex.replace", () => {
  it("splits like Go's Regexp.Split", () => {
    expect(r["regex.split"]!("^[a-z]+\\[([0-9]+)\\]$", "foo[1]")).toEqual(["", ""]);
    expect(r["regex.split"]!("a", "banana")).toEqual(["b", "n", "n", ""]);
    expect(r["regex.split"]!("", "abc")).toEqual(["a", "b", "c"]);
    expect(r["regex.split"]!("x*", "")).toEqual([""]);
    expect(r["regex.split"]!(",", "")).toEqual([""]);
  });
  it("replaces with Go's $ expansion", () => {
    expect(r["regex.replace"]!("-wxxy-", "w(x*)y", "0")).toBe("-0-");
    expect(r["regex.replace"]!("foo", "(foo)", "$1$1")).toBe("foofoo");
    expect(r["regex.replace"]!("foo", "(?P<w>o)", "[${w}]")).toBe("f[o][o]");
    expect(r["regex.replace"]!("abc", "b", "$$")).toBe("a$c");
    expect(r["regex.replace"]!("abc", "(b)", "$1x")).toBe("ac"); // Go reads $1x as group "1x"
  });
});

describe("regex.template_match / regex.globs_match", () => {
  it("matches templates (OPA docs example)", () => {
    expect(r["regex.template_match"]!("urn:foo:{.*}", "urn:foo:bar:baz", "{", "}")).toBe(true);
    expect(r["regex.template_match"]!("urn:foo.bar.com:{.*}", "urn:foo.bar.com:bar:baz", "{", "}")).toBe(true);
    expect(r["regex.template_match"]!("urn:foo.bar.com:{.*}", "urn:foo.com:bar:baz", "{", "}")).toBe(false);
    expect(r["regex.template_match"]!("urn:foo.bar.com:{.*}", "foobar", "{", "}")).toBe(false);
    expect(r["regex.template_match"]!("urn:foo.bar.com:{.{1,2}}", "urn:foo.bar.com:aa", "{", "}")).toBe(true);
    expect(() => r["regex.template_match"]!("urn:{.*", "urn:x", "{", "}")).toThrow(/unbalanced/);
  });
  it("intersects globs as the corpus says", () => {
    const g = r["regex.globs_match"]!;
    expect(g("a.a.[0-9]+z", ".b.b2359825792*594823z")).toBe(true);
    expect(g("[a-z]+", "[0-9]*")).toBe(false);
    expect(g("b.*", "b")).toBe(true);
    expect(g("[a-z]+\\[[0-9]+\\]", "foo\\[1\\]")).toBe(true);
    expect(g("[a-z]+\\[[0-9]+\\]", 'foo["bar"]')).toBe(false);
    expect(g("a?b", "b")).toBe(true);
    expect(g("[^a]", "a")).toBe(false);
  });
});
