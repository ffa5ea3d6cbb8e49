// Where regent once differed from OPA, most of all where it allowed what OPA refuses: each case
// states OPA's behaviour (from its compiler, planner and corpus) and checks regent against it.
import { describe, expect, it } from "vitest";
import { compileErrors, evalRego, value } from "./helpers.js";

const pkg = (body: string) => `package test\n\n${body}\n`;

describe("every over a domain that is not a collection is undefined, as in OPA's planner", () => {
  const src = pkg(`allow if every r in input.roles { r != "banned" }\nkeys if every k, _ in input.roles { k != "x" }`);
  for (const roles of ["admin", 5, null, true, 0, ""]) {
    it(`roles = ${JSON.stringify(roles)}`, async () => {
      expect(await evalRego(src, "test/allow", { roles })).toEqual([]);
      expect(await evalRego(src, "test/keys", { roles })).toEqual([]);
    });
  }

  it("stays vacuously true over empty collections, and checks each element of arrays, objects and sets", async () => {
    for (const roles of [[], {}, ["a"], { a: "b" }]) expect(await value(src, "test/allow", { roles })).toBe(true);
    expect(await evalRego(src, "test/allow", { roles: ["a", "banned"] })).toEqual([]);
    expect(await evalRego(src, "test/allow", { roles: { k: "banned" } })).toEqual([]);
    expect(await evalRego(src, "test/allow")).toEqual([]);
    const sets = pkg(`p if every x in {1, 2} { x > 0 }\nq if every x in {1, -2} { x > 0 }`);
    expect(await value(sets, "test/p")).toBe(true);
    expect(await evalRego(sets, "test/q")).toEqual([]);
  });

  it("leaves the every rule undefined over a non-collection, so a deny built on its negation fires", async () => {
    const deny = pkg(`clean if every r in input.roles { r != "banned" }\ndeny if not clean`);
    expect(await value(deny, "test/deny", { roles: "banned" })).toBe(true);
    expect(await evalRego(deny, "test/deny", { roles: ["ok"] })).toEqual([]);
  });
});

describe("a variable is declared once per scope, as OPA's RewriteLocalVars requires", () => {
  const refused: [string, string][] = [
    [`allow if { role := input.role; role := "admin" }`, "3:32: rego_compile_error: var role assigned above"],
    [`allow if { x = input.x; x := 1 }`, "3:25: rego_compile_error: var x referenced above"],
    [`allow if { some x; x := 1 }`, "3:20: rego_compile_error: var x declared above"],
    [`allow if { x := 1; some x }`, "3:25: rego_compile_error: var x assigned above"],
    [`allow if { x := 1; some x in [1] }`, "3:25: rego_compile_error: var x assigned above"],
    [`f(x) := y if { x := 1; y := 2 }\nallow if f(1)`, "3:16: rego_compile_error: arg x redeclared"],
    [`allow if { 1 := x }`, "3:12: rego_compile_error: cannot assign to number"],
    [`allow if { [x, "a"] := [1, "a"] }`, "3:16: rego_compile_error: cannot assign to string"],
    [`allow if { input.x := 1 }`, "3:12: rego_compile_error: cannot assign to ref"],
    [`allow if { not x := 1 }`, "3:12: rego_compile_error: cannot assign vars inside negated expression"],
    [`allow if { xs := [y | y := 1; y := 2]; xs }`, "3:31: rego_compile_error: var y assigned above"],
  ];
  for (const [rule, error] of refused) {
    it(rule, async () => {
      expect(await compileErrors(pkg(rule), "test/allow")).toContain(`m0.rego:${error}`);
    });
  }

  it("still lets a closure shadow an outer name, and a repeated argument unify", async () => {
    expect(await value(pkg(`p := [x | x := 2] if { x := 1; x == 1 }`), "test/p")).toEqual([2]);
    const src = pkg(`f(x, x) := true\na := f(1, 1)\nb := f(1, 2)`);
    expect(await value(src, "test/a")).toBe(true);
    expect(await evalRego(src, "test/b")).toEqual([]);
    // Object keys in a pattern are matched, not assigned.
    expect(await value(pkg(`p := x if { {"a": x} := {"a": 1} }`), "test/p")).toBe(1);
    // A rule name may be shadowed by a local, as in OPA.
    expect(await value(pkg(`q := 1\np := q if { q := 2 }`), "test/p")).toBe(2);
  });
});

describe("compile-time checks OPA makes on every Rego v1 module", () => {
  const refused: [string, string][] = [
    [`input := 1\nallow := true`, "3:1: rego_compile_error: rules must not shadow input (use a different rule name)"],
    [`data if true\nallow := true`, "3:1: rego_compile_error: rules must not shadow data (use a different rule name)"],
    [`f(input) := 1\nallow := f(1)`, "3:3: rego_compile_error: args must not shadow input (use a different variable name)"],
    [`allow if { data := 2 }`, "3:12: rego_compile_error: variables must not shadow data (use a different variable name)"],
    [`allow if { xs := [1 | input := 1]; xs }`, "3:23: rego_compile_error: variables must not shadow input (use a different variable name)"],
    [`allow := cast_array({1})`, "3:10: rego_type_error: deprecated built-in function calls in expression: cast_array"],
    [`allow if any([true])`, "3:10: rego_type_error: deprecated built-in function calls in expression: any"],
    [`allow if { count(set_diff({1}, {2})) > 0 }`, "3:18: rego_type_error: deprecated built-in function calls in expression: set_diff"],
    [`allow if { [x, y] := [1, 2, 3] }`, "3:12: rego_type_error: match error\n\tleft  : array<any, any>\n\tright : array<number, number, number>"],
    [`allow if { [x, [y]] = [1, [2, 3]]; x; y }`, "3:12: rego_type_error: match error\n\tleft  : array<any, array<any>>\n\tright : array<number, array<number, number>>"],
  ];
  for (const [rule, error] of refused) {
    it(rule.split("\n")[0]!, async () => {
      expect(await compileErrors(pkg(rule), "test/allow")).toContain(`m0.rego:${error}`);
    });
  }

  it("accepts a package's own function named like a removed built-in, and shapes that fit", async () => {
    expect(await value(pkg(`any(xs) := true if xs[_]\nallow := any([false, true])`), "test/allow")).toBe(true);
    expect(await value(pkg(`allow := [x, y] if { [x, y] := [1, 2] }`), "test/allow")).toEqual([1, 2]);
  });
});

describe("a built-in's type error is undefined unless strict built-in errors are on, as in OPA", () => {
  it("count(input.n) with a number leaves the rule undefined, so defaults and negations apply", async () => {
    const src = pkg(`default allow := false\nallow if count(input.n) > 0\nempty if not count(input.n) > 0`);
    expect(await value(src, "test/allow", { n: 5 })).toBe(false);
    expect(await value(src, "test/empty", { n: 5 })).toBe(true);
    expect(await value(src, "test/allow", { n: [1] })).toBe(true);
  });

  it("lets a with-mock call the original built-in on any operand (OPA's corpus: withkeyword, nested mocks)", async () => {
    const src = pkg(`mock_count(x) := 4 if x == "four"\nmock_count(x) := count(x) if x != "four"\np := [count("four"), count(5), count([1])] if true\nq := r if { r := [count("four"), count([1])] with count as mock_count }`);
    expect(await evalRego(src, "test/p")).toEqual([]);
    expect(await value(src, "test/q")).toEqual([4, 1]);
  });
});

describe("syntax OPA parses", () => {
  it("else on a rule whose ref head has no variables (conftest, the Rego style guide)", async () => {
    const src = pkg(`result.response := 1 if { input.x == 1 } else := 2 if { input.x == 2 } else := 3`);
    expect(await value(src, "test/result/response", { x: 1 })).toBe(1);
    expect(await value(src, "test/result/response", { x: 2 })).toBe(2);
    expect(await value(src, "test/result", { x: 9 })).toEqual({ response: 3 });
    expect(await compileErrors(pkg(`result[k] := 1 if { k := "a" } else := 2`), "test/result")).toEqual([
      "m0.rego:3:32: rego_parse_error: else keyword cannot be used on rules with variables in head",
    ]);
  });

  it("not { body } with `import future.keywords.not` or `import rego.v2`: true when the body has no solution", async () => {
    for (const imp of ["import future.keywords.not", "import rego.v2", "import future.keywords"]) {
      const src = pkg(`${imp}\n\ndefault p := false\np if { not { input.a; input.b } }\nq if { x := 1; not { y := input.n; y > x } }`);
      expect(await value(src, "test/p", { a: true, b: false })).toBe(true);
      expect(await value(src, "test/p", { a: true, b: true })).toBe(false);
      expect(await value(src, "test/q", { n: 0 })).toBe(true);
      expect(await evalRego(src, "test/q", { n: 5 })).toEqual([]);
    }
    // Without the import, `{ … }` after `not` is a set or object literal, as in OPA v1.
    expect((await compileErrors(pkg(`p if { not { input.a; input.b } }`))).join("\n")).toMatch(/rego_parse_error/);
  });
});

describe("rego.metadata.rule() and rego.metadata.chain() are constants at compile time, as OPA's RewriteRegoMetadataCalls makes them", () => {
  const root = `# METADATA\n# scope: subpackages\n# title: Root\npackage acme\n\nx := 1\n`;
  const example = `# METADATA
# title: Example package
package acme.example

# METADATA
# title: Allow
# authors:
# - Jane Doe <jane@example.com>
# related_resources:
# - https://example.com/allow
# custom:
#   severity: HIGH
allow if input.x > 5

allow_meta := rego.metadata.rule() if allow

plain := rego.metadata.rule()

# METADATA
# title: Chain
chain := rego.metadata.chain()
`;

  it("gives the calling rule's rule-scope annotations in OPA's JSON form, or {} when it has none", async () => {
    expect(await evalRego([root, example], "acme/example/plain")).toEqual([{}]);
    const annotated = example.replace("allow_meta := rego.metadata.rule() if allow", "# METADATA\n# title: Meta\n# custom:\n#   n: 1\nallow_meta := rego.metadata.rule()");
    // Only the annotation's own fields; scope is always there.
    expect(await value([root, annotated], "acme/example/allow_meta")).toEqual({ scope: "rule", title: "Meta", custom: { n: 1 } });
  });

  it("gives the chain from the rule out to the farthest package, paths without `data`", async () => {
    expect(await value([root, example], "acme/example/chain")).toEqual([
      { path: ["acme", "example", "chain"], annotations: { scope: "rule", title: "Chain" } },
      { path: ["acme", "example"], annotations: { scope: "package", title: "Example package" } },
      { path: ["acme"], annotations: { scope: "subpackages", title: "Root" } },
    ]);
  });

  it("normalises authors and related resources as OPA does", async () => {
    const src = example.replace("allow if input.x > 5", "allow := rego.metadata.rule()");
    expect(await value([root, src], "acme/example/allow")).toEqual({
      scope: "rule",
      title: "Allow",
      authors: [{ name: "Jane Doe", email: "jane@example.com" }],
      related_resources: [{ ref: "https://example.com/allow" }],
      custom: { severity: "HIGH" },
    });
  });
});

describe("template strings (OPA 1.12): $\"…{expr}…\"", () => {
  const src = pkg(`name := "bob"
a := $"hello {input.name}, you are {input.age} ({name})"
b := $"missing {input.nope}!"
c := $"set {{1, 2}} arr {[1, "x"]} obj {{"k": {"v"}}} null {null} sum {1 + 2} empty {set()}"
d := $\`raw {input.name}
line two\`
e := $"esc \\{ \\} \\" \\n"
f := $""
g := $"nested {$"in {input.name}"}"
h := $"{input.name}" if input.age > 1
many := $"{input.xs[_]}"`);

  it("renders strings as they are, other values as Rego text, and an undefined expression as <undefined>", async () => {
    const input = { name: "alice", age: 7, xs: [1, 2] };
    expect(await value(src, "test/a", input)).toBe("hello alice, you are 7 (bob)");
    expect(await value(src, "test/b", input)).toBe("missing <undefined>!");
    expect(await value(src, "test/c", input)).toBe('set {1, 2} arr [1, "x"] obj {"k": {"v"}} null null sum 3 empty set()');
    expect(await value(src, "test/d", input)).toBe("raw alice\nline two");
    expect(await value(src, "test/e", input)).toBe('esc { } " \n');
    expect(await value(src, "test/f", input)).toBe("");
    expect(await value(src, "test/g", input)).toBe("nested in alice");
    expect(await value(src, "test/h", input)).toBe("alice");
  });

  it("refuses an expression with several values at run time, as OPA does", async () => {
    await expect(evalRego(src, "test/many", { xs: [1, 2] })).rejects.toMatchObject({ code: "eval_conflict_error", message: "template-strings must not produce multiple outputs" });
    expect(await value(src, "test/many", { xs: [1] })).toBe("1");
  });

  it("reports an unterminated template or expression with its location", async () => {
    expect((await compileErrors(pkg(`p := $"abc {input.x"`))).join("\n")).toMatch(/m0\.rego:3:\d+: rego_parse_error/);
    expect((await compileErrors(pkg(`p := $"abc`))).join("\n")).toMatch(/m0\.rego:3:6: rego_parse_error: non-terminated string/);
  });
});
