// Tests for src/rego/parser.ts: the YAML case tables in test/rego/cases/ (every construct of the
// issue, v0 rejections, recovery, METADATA) plus locations, error formatting and the entry points.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { formatWithSource, RegentError, RegentErrors } from "../../src/errors.js";
import { parseModule, parseModuleOrThrow, parseQuery, parseTerm } from "../../src/rego/parser.js";
import { prettyBody, prettyRule, prettyTerm } from "../../src/rego/pretty.js";
import type { Module, Term } from "../../src/rego/ast.js";

interface Case {
  note: string;
  module?: string;
  query?: string;
  term?: string;
  want?: string;
  errors?: string[];
  annotations?: string[];
}

const casesDir = join(import.meta.dirname, "cases");

function errorLines(errors: RegentError[]): string[] {
  return errors.map((e) => `${e.location?.row}:${e.location?.col}: ${e.message}`);
}

function annotationLines(m: Module): string[] {
  const out = m.annotations.map((a) => `package: ${a.scope} ${a.title ?? ""}`);
  m.rules.forEach((r, i) => r.annotations.forEach((a) => out.push(`${i}: ${a.scope} ${a.title ?? ""}`)));
  return out;
}

for (const file of readdirSync(casesDir).filter((f) => f.endsWith(".yaml"))) {
  const cases = parseYaml(readFileSync(join(casesDir, file), "utf8")) as Case[];
  describe(`cases/${file}`, () => {
    for (const c of cases) {
      it(c.note, () => {
        if (c.module !== undefined) {
          const { module, errors } = parseModule(c.module, "t.rego");
          if (c.errors) {
            expect(errorLines(errors)).toEqual(c.errors);
            expect(module).toBeNull();
            for (const e of errors) expect(e.code).toBe("rego_parse_error");
            return;
          }
          expect(errorLines(errors)).toEqual([]);
          expect(module).not.toBeNull();
          if (c.want !== undefined) expect(module!.rules.map(prettyRule).join("\n") + "\n").toBe(c.want);
          if (c.annotations) expect(annotationLines(module!)).toEqual(c.annotations);
        } else if (c.query !== undefined) {
          expect(prettyBody(parseQuery(c.query))).toBe(c.want);
        } else if (c.term !== undefined) {
          expect(prettyTerm(parseTerm(c.term))).toBe(c.want);
        } else {
          throw new Error(`case ${c.note} has no module, query or term`);
        }
      });
    }
  });
}

/** Every node reachable from a term, for the location checks. */
function walkTerms(t: Term, out: Term[]): void {
  out.push(t);
  switch (t.type) {
    case "ref": t.terms.forEach((x) => walkTerms(x, out)); break;
    case "array": case "set": t.items.forEach((x) => walkTerms(x, out)); break;
    case "object": t.items.forEach(([k, v]) => { walkTerms(k, out); walkTerms(v, out); }); break;
    case "call": walkTerms(t.fn, out); t.args.forEach((x) => walkTerms(x, out)); break;
    case "arraycomp": case "setcomp": walkTerms(t.head, out); break;
    case "objectcomp": walkTerms(t.key, out); walkTerms(t.value, out); break;
  }
}

describe("locations", () => {
  const src = "package p\n\nallow if {\n\tinput.user == \"alice\"\n\tcount(input.xs) > 1\n}\n";
  const m = parseModuleOrThrow(src, "policy.rego");

  it("puts file, row, col, offset and end on the package, rules and expressions", () => {
    expect(m.package.loc).toEqual({ file: "policy.rego", row: 1, col: 1, offset: 0, end: 9 });
    const rule = m.rules[0];
    expect(rule.loc).toMatchObject({ row: 3, col: 1, offset: 11 });
    expect(src.slice(rule.loc.offset, rule.loc.end)).toBe(src.slice(11, src.length - 1));
    const [e1, e2] = rule.body;
    expect(src.slice(e1.loc.offset, e1.loc.end)).toBe('input.user == "alice"');
    expect(e1.loc).toMatchObject({ row: 4, col: 2 });
    expect(src.slice(e2.loc.offset, e2.loc.end)).toBe("count(input.xs) > 1");
  });

  it("gives every term a location whose text is the term", () => {
    const e = m.rules[0].body[1];
    if (e.expr.type !== "term") throw new Error("expected a term");
    const terms: Term[] = [];
    walkTerms(e.expr.term, terms);
    const texts = terms.map((t) => src.slice(t.loc.offset, t.loc.end));
    expect(texts).toEqual(["count(input.xs) > 1", ">", ">", "count(input.xs)", "count", "count", "input.xs", "input", "xs", "1"]);
  });

  it("counts columns after tabs and multi-byte characters in characters", () => {
    const s = "package p\nx := \"é\" + y\n";
    const { errors } = parseModule(s.replace("y", "01"), "u.rego");
    expect(errors[0].location).toEqual({ file: "u.rego", row: 2, col: 12 });
  });
});

describe("every node has a location", () => {
  // Node types whose AST interface has a `loc`; the inner expression kinds (term, some,
  // somein, every) are located by their enclosing Expr.
  const LOCATED = new Set(["null", "boolean", "number", "string", "var", "ref", "array", "object", "set", "arraycomp",
    "setcomp", "objectcomp", "call", "with", "expr", "rule", "import", "package", "annotation"]);

  function check(node: unknown, src: string, path: string, seen: string[]): void {
    if (Array.isArray(node)) return node.forEach((n, i) => check(n, src, `${path}[${i}]`, seen));
    if (node === null || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    if (typeof o.type === "string" && LOCATED.has(o.type)) {
      const loc = o.loc as { file: string; row: number; col: number; offset: number; end: number } | undefined;
      expect(loc, `${path} (${o.type}) has no loc`).toBeDefined();
      expect(loc!.file).toBe("all.rego");
      expect(loc!.offset).toBeLessThanOrEqual(loc!.end);
      expect(loc!.end).toBeLessThanOrEqual(src.length);
      const before = src.slice(0, loc!.offset).split("\n");
      expect([before.length, before[before.length - 1].length + 1], `${path} row/col`).toEqual([loc!.row, loc!.col]);
      seen.push(o.type);
    }
    for (const [k, v] of Object.entries(o)) if (k !== "loc" && k !== "fields") check(v, src, `${path}.${k}`, seen);
  }

  it("on every construct, with row and col agreeing with the offset", () => {
    const src = [
      "# METADATA", "# title: all", "package all", "", "import rego.v1", "import data.lib as l", "",
      "default allow := false", "allow if { input.x == 1; not input.y }", "s contains x if { some x in [1, 2] }",
      "o[k] := v if { some k, v in {\"a\": 1} }", "f(x) := y if { y := x + 1 } else := 0",
      "e if { every x in [1] { x > 0 } }", "c := {x | x := [1][_]}", "ac := [x | x := 1]", "d := {k: 1 | k := \"a\"}",
      "w if { count([1]) with input as {} with data.q as set() }", "n := null", "b := true", "r := `raw`",
      "a.b[x].c := 2 if x := 1", "", "# METADATA", "# scope: document", "p if { some y; y = 1 }", "",
    ].join("\n");
    const m = parseModuleOrThrow(src, "all.rego");
    const seen: string[] = [];
    check(m, src, "module", seen);
    for (const t of LOCATED) expect(seen, `no ${t} node was checked`).toContain(t);
  });
});

describe("error output", () => {
  it("prints file:row:col, the code, the message, the line and a caret", () => {
    const src = "package p\n\nallow if {\n  input.x == \"a\n}\n";
    const { errors } = parseModule(src, "policies/authz.rego");
    expect(formatWithSource(errors[0], src)).toBe(
      'policies/authz.rego:4:14: rego_parse_error: non-terminated string\n\t  input.x == "a\n\t             ^',
    );
  });

  it("parseModuleOrThrow throws RegentErrors holding every error", () => {
    try {
      parseModuleOrThrow("package p\na := 01\nb := 02\n", "x.rego");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RegentErrors);
      expect((e as RegentErrors).errors.map(String)).toEqual([
        "x.rego:2:6: rego_parse_error: unexpected number token: expected number without leading zero",
        "x.rego:3:6: rego_parse_error: unexpected number token: expected number without leading zero",
      ]);
    }
  });

  it("never throws on malformed input, whatever the bytes", () => {
    const samples = ["package", "package p\n{", "package p\n)", "package p\na := [", "\u0000", "package p\na := {{{{{{",
      "package p\n" + "[".repeat(5000), "package p\nf(x) := " + "(".repeat(3000) + "1", "package p\na if { else }"];
    for (const s of samples) {
      const r = parseModule(s, "z.rego");
      expect(r.module).toBeNull();
      expect(r.errors.length).toBeGreaterThan(0);
      for (const e of r.errors) expect(e.location?.file).toBe("z.rego");
    }
  });
});

describe("entry points", () => {
  it("accepts the v1 no-op imports", () => {
    const m = parseModuleOrThrow("package p\nimport rego.v1\nimport future.keywords\nimport future.keywords.in\nimport future.keywords.if\nimport data.lib as l\nimport input.user\n", "i.rego");
    expect(m.imports.map((i) => [prettyTerm(i.path), i.alias])).toEqual([
      ["rego.v1", null], ["future.keywords", null], ["future.keywords.in", null], ["future.keywords.if", null],
      ["data.lib", "l"], ["input.user", null],
    ]);
  });

  it("keeps package paths as written", () => {
    expect(parseModuleOrThrow('package a.b["c-d"]\n', "p.rego").package.path).toEqual(["a", "b", "c-d"]);
  });

  it("parseQuery throws RegentErrors for a bad or empty query", () => {
    expect(() => parseQuery("x :=")).toThrow(RegentErrors);
    expect(() => parseQuery("")).toThrow(/empty query/);
  });

  it("parseTerm parses one term and refuses more", () => {
    expect(parseTerm('{"a": [1, {2}]}')).toMatchObject({ type: "object" });
    expect(() => parseTerm("1; 2")).toThrow(/expected exactly one term/);
    expect(() => parseTerm("x := 1")).not.toThrow(); // an assignment is one call term
  });

  it("reads CRLF line endings", () => {
    const m = parseModuleOrThrow("package p\r\n\r\n# c\r\nallow if {\r\n  input.x\r\n  input.y\r\n}\r\n", "crlf.rego");
    expect(prettyBody(m.rules[0].body)).toBe("input.x; input.y");
    expect(m.rules[0].body[1].loc).toMatchObject({ row: 6, col: 3 });
    expect(m.comments[0].text).toBe(" c");
  });

  it("keeps comments with their locations", () => {
    const m = parseModuleOrThrow("package p # trailing\n# own line\na := 1\n", "c.rego");
    expect(m.comments.map((c) => [c.text, c.loc.row, c.loc.col])).toEqual([[" trailing", 1, 11], [" own line", 2, 1]]);
  });
});
