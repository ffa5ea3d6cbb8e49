// String built-ins against the replacen, strings (any_*_match, split_n) conformance folders and Go docs.
import { describe, expect, it } from "vitest";
import { globBuiltins } from "../../src/builtins/glob.js";
import { stringBuiltins as s } from "../../src/builtins/strings.js";

describe("strings.replace_n (Go Replacer semantics)", () => {
  const r = s["strings.replace_n"]!;
  it("replaces as the corpus says", () => {
    expect(r({ info: "X", anotherinfo: "Y" }, "anotherinfo")).toBe("Y");
    expect(r({ a: "YY", bba: "bX" }, "bbab")).toBe("bXb");
    expect(r({ ab: "b", b: "Y" }, "baaabbbba")).toBe("YaabYYYa");
    expect(r({ a: "b", b: "a" }, "abba")).toBe("baab");
    expect(r({ a: "Xa", ab: "X", ba: "bYa", aaa: "X" }, "aaaaab")).toBe("XaXaXaXaXab");
    expect(r({ aab: "Y", a: "", b: "" }, "bbaab")).toBe("");
    expect(r({ "": "X" }, "")).toBe("X");
    expect(r({ "": "X" }, "ab")).toBe("XaXbX");
    expect(r({ "": "X", a: "Y" }, "ab")).toBe("XYXbX");
    expect(r({ "": "-", "é": "e" }, "aéb")).toBe("-a-e-b-");
  });
  it("reports bad operands", () => {
    expect(() => r({ a: 1 }, "foo")).toThrow("strings.replace_n: operand 1 non-string value found in pattern object");
    expect(() => r({ foo: "baz" }, 1)).toThrow("strings.replace_n: operand 2 must be string but got number");
  });
});

describe("prefix/suffix matching, counting, splitting", () => {
  it("matches any prefix or suffix", () => {
    const p = s["strings.any_prefix_match"]!, x = s["strings.any_suffix_match"]!;
    expect(p(["a/b/c", "a/b/d", "e/f/g"], ["a/", "d/"])).toBe(true);
    expect(p(["aa/bb/cc"], ["a/b"])).toBe(false);
    expect(p("a/b/c", ["g/", "d/"])).toBe(false);
    expect(p(["a/b/c"], "a/")).toBe(true);
    expect(p([], [])).toBe(false);
    expect(p(["", "a/b/c"], ["z/", ""])).toBe(true);
    expect(x(["a/b/c", "a/b/d"], ["/c", "/a"])).toBe(true);
    expect(x(["aa/bb/cc"], ["b/c"])).toBe(false);
    expect(() => p([1, 2], ["a"])).toThrow("strings.any_prefix_match: operand 1 must be array of strings but got array containing number");
    expect(() => p(["a"], 1)).toThrow("strings.any_prefix_match: operand 2 must be one of {string, set, array} but got number");
  });
  it("counts and indexes", () => {
    expect(s["strings.count"]!("cheese", "e")).toBe(3);
    expect(s["strings.count"]!("five", "")).toBe(5);
    expect(s["strings.count"]!("aaaa", "aa")).toBe(2);
    expect(s.indexof_n!("dolly", "l")).toEqual([2, 3]);
    expect(s.indexof_n!("aaa", "aa")).toEqual([0, 1]);
    expect(s.indexof_n!("héllo", "l")).toEqual([2, 3]);
  });
  it("splits from either end (strings/split_n)", () => {
    const sp = s["strings.split_n"]!;
    expect(sp("a.b.c.d", ".", 2)).toEqual(["a", "b"]);
    expect(sp("a.b.c.d", ".", 10)).toEqual(["a", "b", "c", "d"]);
    expect(sp("a.b.c.d", ".", 0)).toEqual([]);
    expect(sp("a.b.c.d", ".", -2)).toEqual(["c", "d"]);
    expect(sp("a.b.c.d", ".", -10)).toEqual(["a", "b", "c", "d"]);
    expect(sp("abc", ".", 2)).toEqual(["abc"]);
    expect(sp("", ".", 2)).toEqual([""]);
    expect(sp("abc", "", 2)).toEqual(["a", "b"]);
    expect(sp("abc", "", -2)).toEqual(["b", "c"]);
    expect(() => sp("a.b.c", ".", 1.5)).toThrow("strings.split_n: operand 3 must be integer number but got floating-point number");
  });
  it("renders field templates", () => {
    expect(s["strings.render_template"]!("{{.test}}", { test: "foo" })).toBe("foo");
    expect(s["strings.render_template"]!("a {{- .x.y -}} b", { x: { y: 1 } })).toBe("a1b");
    expect(() => s["strings.render_template"]!("{{range .x}}{{end}}", { x: [] })).toThrow(/not supported/);
  });
  it("quotes glob metacharacters (globquotemeta)", () => {
    expect(globBuiltins["glob.quote_meta"]!("*.github.com")).toBe("\\*.github.com");
    expect(globBuiltins["glob.quote_meta"]!("{foo*}")).toBe("\\{foo\\*\\}");
  });
});
