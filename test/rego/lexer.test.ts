// Tests for src/rego/lexer.ts: token kinds, positions, whitespace/newline flags, comments, errors.
import { describe, expect, it } from "vitest";
import { lex } from "../../src/rego/lexer.js";

const kinds = (src: string) => lex(src).tokens.map((t) => t.kind);

describe("lexer", () => {
  it("reads every operator and punctuation token", () => {
    expect(kinds(":= = == != < <= > >= + - * / % & | ; . , : ( ) [ ] { }")).toEqual([
      ":=", "=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "&", "|", ";", ".", ",", ":",
      "(", ")", "[", "]", "{", "}", "eof",
    ]);
  });

  it("tells keywords from identifiers", () => {
    expect(kinds("package import as default else not some with null true false every in contains if x _ if2 _in")).toEqual([
      "package", "import", "as", "default", "else", "not", "some", "with", "null", "true", "false", "every", "in",
      "contains", "if", "identifier", "identifier", "identifier", "identifier", "eof",
    ]);
  });

  it("keeps numbers as written, and a minus sign as its own token", () => {
    const t = lex("0 12 1.5 1e10 2E-3 4.5e+6 -7").tokens;
    expect(t.map((x) => `${x.kind}:${x.text}`)).toEqual([
      "number:0", "number:12", "number:1.5", "number:1e10", "number:2E-3", "number:4.5e+6", "-:-", "number:7", "eof:",
    ]);
  });

  it("records rows, columns, offsets and the whitespace before each token", () => {
    const t = lex("a\n\tb.c  [d]").tokens;
    expect(t.map((x) => [x.text, x.row, x.col, x.start, x.end, x.ws, x.nl])).toEqual([
      ["a", 1, 1, 0, 1, false, false],
      ["b", 2, 2, 3, 4, true, true],
      [".", 2, 3, 4, 5, false, false],
      ["c", 2, 4, 5, 6, false, false],
      ["[", 2, 7, 8, 9, true, false],
      ["d", 2, 8, 9, 10, false, false],
      ["]", 2, 9, 10, 11, false, false],
      ["", 2, 10, 11, 11, false, false],
    ]);
  });

  it("collects comments, which also count as a line break", () => {
    const { tokens, comments } = lex("a # one\r\n# two\nb");
    expect(comments.map((c) => [c.text, c.row, c.col])).toEqual([[" one", 1, 3], [" two", 2, 1]]);
    expect(tokens[1]).toMatchObject({ text: "b", row: 3, nl: true });
  });

  it("reads strings and raw strings, raw ones across lines", () => {
    const { tokens } = lex('"a\\"b" `x\ny` c');
    expect(tokens.map((t) => [t.kind, t.text])).toEqual([["string", '"a\\"b"'], ["string", "`x\ny`"], ["identifier", "c"], ["eof", ""]]);
    expect(tokens[2]).toMatchObject({ row: 2, col: 4 });
  });

  it("marks malformed tokens as illegal with OPA's reason", () => {
    const errs = (src: string) => lex(src).tokens.filter((t) => t.kind === "illegal").map((t) => t.error);
    expect(errs('"abc')).toEqual(["non-terminated string"]);
    expect(errs('"a\nb"')).toEqual(["non-terminated string", "non-terminated string"]);
    expect(errs("`abc")).toEqual(["non-terminated string"]);
    expect(errs('"\\x"')).toEqual(["illegal escape sequence"]);
    expect(errs("1. 2e 0x1")).toEqual(["expected fraction", "expected exponent", "illegal number format"]);
    expect(errs("! $ ? é")).toEqual(["illegal ! character", "illegal $ character", "illegal token", "illegal token"]);
    expect(errs("\u0000")).toEqual(["illegal null character"]);
  });

  it("skips a leading byte-order mark", () => {
    expect(kinds("\ufeffpackage p")).toEqual(["package", "identifier", "eof"]);
  });
});
