// Host string built-ins against the strings (any_*_match, split_n) conformance folder and Go docs.
import { describe, expect, it } from "vitest";
import { globBuiltins } from "../../src/builtins/glob.js";
import { stringBuiltins as s } from "../../src/builtins/strings.js";

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
