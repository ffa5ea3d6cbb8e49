/**
 * The Rego v1 lexer: turns source text into a flat token array plus the comments. Whitespace
 * is not a token; instead each token records whether whitespace or a newline precedes it,
 * because Rego's grammar depends on both (`a[x]` vs `a [x]`, newline-separated expressions).
 */
import type { Span } from "./location.js";

/**
 * Token kinds are OPA's token names, so that messages such as "unexpected } token" or
 * "unexpected identifier token" read exactly as OPA's do.
 */
export type TokenKind =
  | "identifier" | "number" | "string" | "template" | "eof" | "illegal"
  | "[" | "]" | "{" | "}" | "(" | ")" | "," | ":" | ";" | "."
  | ":=" | "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%" | "&" | "|"
  | Keyword;

export type Keyword =
  | "package" | "import" | "as" | "default" | "else" | "not" | "some" | "with"
  | "null" | "true" | "false" | "every" | "in" | "contains" | "if";

export const KEYWORDS: ReadonlySet<string> = new Set<Keyword>([
  "package", "import", "as", "default", "else", "not", "some", "with",
  "null", "true", "false", "every", "in", "contains", "if",
]);

export interface Token extends Span {
  kind: TokenKind;
  /** The source text of the token (for strings: with quotes; for numbers: as written). */
  text: string;
  /** Whitespace (or a comment) separates this token from the previous one. */
  ws: boolean;
  /** A newline separates this token from the previous one. */
  nl: boolean;
  /** Set when the lexer found this token malformed; the parser reports it once. */
  error?: string;
  /**
   * A literal part of a template string (`$"a {x} b"` lexes as head "a ", the tokens of `x`, tail
   * " b"): its decoded text, and where it sits. "whole" is a template with no expression.
   */
  template?: { part: "head" | "middle" | "tail" | "whole"; value: string };
}

export interface RawComment extends Span {
  /** The comment without its leading `#`. */
  text: string;
}

export interface LexResult {
  tokens: Token[];
  comments: RawComment[];
}

const enum C {
  TAB = 9, LF = 10, CR = 13, SPACE = 32, BANG = 33, DQUOTE = 34, HASH = 35, DOLLAR = 36, PERCENT = 37,
  AMP = 38, LPAREN = 40, RPAREN = 41, STAR = 42, PLUS = 43, COMMA = 44, MINUS = 45, DOT = 46, SLASH = 47,
  D0 = 48, D9 = 57, COLON = 58, SEMI = 59, LT = 60, EQ = 61, GT = 62, UA = 65, UZ = 90, LBRACK = 91,
  BACKSLASH = 92, RBRACK = 93, UNDERSCORE = 95, BACKTICK = 96, LA = 97, LE = 101, LZ = 122, LBRACE = 123,
  PIPE = 124, RBRACE = 125, UE = 69, BOM = 0xfeff,
}

function isLetter(c: number): boolean {
  return (c >= C.LA && c <= C.LZ) || (c >= C.UA && c <= C.UZ) || c === C.UNDERSCORE;
}
function isDigit(c: number): boolean {
  return c >= C.D0 && c <= C.D9;
}

const SINGLE: Record<number, TokenKind> = {
  [C.LBRACK]: "[", [C.RBRACK]: "]", [C.LBRACE]: "{", [C.RBRACE]: "}", [C.LPAREN]: "(", [C.RPAREN]: ")",
  [C.COMMA]: ",", [C.SEMI]: ";", [C.DOT]: ".", [C.PLUS]: "+", [C.MINUS]: "-", [C.STAR]: "*",
  [C.SLASH]: "/", [C.PERCENT]: "%", [C.AMP]: "&", [C.PIPE]: "|",
};

/** Tokenises `src`. Never throws: malformed tokens carry an `error` and kind "illegal". */
export function lex(src: string): LexResult {
  const tokens: Token[] = [];
  const comments: RawComment[] = [];
  const n = src.length;
  let i = 0;
  let row = 1;
  let lineStart = 0;
  let ws = false;
  let nl = false;
  // Open template-string expressions, innermost last: their `{`-nesting and whether raw (backtick).
  const templates: { depth: number; raw: boolean }[] = [];
  if (n > 0 && src.charCodeAt(0) === C.BOM) {
    i = 1;
    lineStart = 0;
  }

  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === C.SPACE || c === C.TAB || c === C.CR) {
      i++;
      ws = true;
      continue;
    }
    if (c === C.LF) {
      i++;
      row++;
      lineStart = i;
      ws = true;
      nl = true;
      continue;
    }
    const start = i;
    const srow = row;
    const scol = start - lineStart + 1;
    let kind: TokenKind;
    let err: string | undefined;
    let template: Token["template"];
    const open = templates[templates.length - 1];
    const startsTemplate = c === C.DOLLAR && (src.charCodeAt(i + 1) === C.DQUOTE || src.charCodeAt(i + 1) === C.BACKTICK);
    if (startsTemplate || (open && c === C.RBRACE && open.depth === 0)) {
      // A template literal part: from `$"` (or the `}` closing an expression) to the next `{` or the end.
      const raw = startsTemplate ? src.charCodeAt(i + 1) === C.BACKTICK : open!.raw;
      const scan = scanTemplatePart(src, startsTemplate ? i + 2 : i + 1, raw);
      for (const lf of scan.newlines) {
        row++;
        lineStart = lf + 1;
      }
      i = scan.end;
      kind = "template";
      err = scan.error;
      const part = startsTemplate ? (scan.opensExpr ? "head" : "whole") : scan.opensExpr ? "middle" : "tail";
      template = { part, value: scan.value };
      if (!startsTemplate && !scan.opensExpr) templates.pop();
      if (startsTemplate && scan.opensExpr) templates.push({ depth: 0, raw });
    } else if (c === C.HASH) {
      let j = i + 1;
      while (j < n && src.charCodeAt(j) !== C.LF) j++;
      let end = j;
      if (end > i + 1 && src.charCodeAt(end - 1) === C.CR) end--;
      comments.push({ text: src.slice(i + 1, end), start, end, row: srow, col: scol });
      i = j;
      ws = true;
      continue;
    } else if (isLetter(c)) {
      let j = i + 1;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (isLetter(d) || isDigit(d)) j++;
        else break;
      }
      i = j;
      kind = "identifier";
    } else if (isDigit(c)) {
      [i, err] = scanNumber(src, i);
      kind = "number";
    } else if (c === C.DQUOTE) {
      [i, err] = scanString(src, i);
      kind = "string";
    } else if (c === C.BACKTICK) {
      let j = i + 1;
      err = "non-terminated string";
      while (j < n) {
        const d = src.charCodeAt(j);
        j++;
        if (d === C.BACKTICK) {
          err = undefined;
          break;
        }
        if (d === C.LF) {
          row++;
          lineStart = j;
        }
      }
      i = j;
      kind = "string";
    } else {
      const next = i + 1 < n ? src.charCodeAt(i + 1) : -1;
      let len = 1;
      kind = "illegal";
      switch (c) {
        case C.COLON:
          if (next === C.EQ) { kind = ":="; len = 2; } else kind = ":";
          break;
        case C.EQ:
          if (next === C.EQ) { kind = "=="; len = 2; } else kind = "=";
          break;
        case C.LT:
          if (next === C.EQ) { kind = "<="; len = 2; } else kind = "<";
          break;
        case C.GT:
          if (next === C.EQ) { kind = ">="; len = 2; } else kind = ">";
          break;
        case C.BANG:
          if (next === C.EQ) { kind = "!="; len = 2; } else err = "illegal ! character";
          break;
        case C.DOLLAR:
          err = "illegal $ character";
          break;
        case 0:
          err = "illegal null character";
          break;
        default: {
          const single = SINGLE[c];
          if (single === undefined) {
            // A character Rego has no use for (non-ASCII letters, `?`, `@`, ...): consume one code point.
            len = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
            err = "illegal token";
          } else kind = single;
        }
      }
      i += len;
    }
    const text = src.slice(start, i);
    if (kind === "identifier" && KEYWORDS.has(text)) kind = text as Keyword;
    if (open && kind === "{") open.depth++;
    if (open && kind === "}") open.depth--;
    const tok: Token = { kind: err === undefined ? kind : "illegal", text, start, end: i, row: srow, col: scol, ws, nl };
    if (err !== undefined) tok.error = err;
    if (template && err === undefined) tok.template = template;
    tokens.push(tok);
    ws = false;
    nl = false;
  }
  tokens.push({ kind: "eof", text: "", start: n, end: n, row, col: n - lineStart + 1, ws, nl });
  return { tokens, comments };
}

/** Scans a number as OPA's scanner does: digits, optional fraction, optional exponent. */
function scanNumber(src: string, i: number): [number, string | undefined] {
  const n = src.length;
  let j = i;
  let err: string | undefined;
  while (j < n && isDigit(src.charCodeAt(j))) j++;
  if (j < n && src.charCodeAt(j) === C.DOT) {
    j++;
    const f = j;
    while (j < n && isDigit(src.charCodeAt(j))) j++;
    if (j === f) err = "expected fraction";
  }
  if (j < n && (src.charCodeAt(j) === C.LE || src.charCodeAt(j) === C.UE)) {
    j++;
    if (j < n && (src.charCodeAt(j) === C.PLUS || src.charCodeAt(j) === C.MINUS)) j++;
    const e = j;
    while (j < n && isDigit(src.charCodeAt(j))) j++;
    if (j === e) err ??= "expected exponent";
  }
  // `0a2b` is one malformed number, not a number followed by an identifier.
  if (j < n && isLetter(src.charCodeAt(j))) {
    err ??= "illegal number format";
    while (j < n && (isLetter(src.charCodeAt(j)) || isDigit(src.charCodeAt(j)))) j++;
  }
  return [j, err];
}

/**
 * Scans one literal part of a template string from `i`: up to and including the `{` that opens an
 * expression, or the closing quote. In `$"…"` parts the string escapes apply, and `\{` is a
 * literal brace; a `$\`…\`` part is raw and may span lines.
 */
function scanTemplatePart(src: string, i: number, raw: boolean): { end: number; value: string; opensExpr: boolean; error?: string; newlines: number[] } {
  const n = src.length;
  const newlines: number[] = [];
  let value = "";
  let j = i;
  let chunk = "";
  const close = raw ? C.BACKTICK : C.DQUOTE;
  const flush = (): string | undefined => {
    if (raw || chunk === "") {
      value += chunk;
      chunk = "";
      return undefined;
    }
    try {
      value += JSON.parse(`"${chunk}"`) as string;
    } catch {
      return "illegal escape sequence";
    }
    chunk = "";
    return undefined;
  };
  for (;;) {
    if (j >= n) return { end: j, value, opensExpr: false, error: "non-terminated string", newlines };
    const c = src.charCodeAt(j);
    if (c === C.LF) {
      if (!raw) return { end: j, value, opensExpr: false, error: "non-terminated string", newlines };
      newlines.push(j);
    }
    if (c === close || c === C.LBRACE) {
      const error = flush();
      return { end: j + 1, value, opensExpr: c === C.LBRACE, error, newlines };
    }
    if (!raw && c === C.BACKSLASH && j + 1 < n) {
      const d = src.charCodeAt(j + 1);
      if (d === C.LBRACE || d === C.RBRACE) {
        const error = flush();
        if (error) return { end: j + 2, value, opensExpr: false, error, newlines };
        value += String.fromCharCode(d);
      } else {
        chunk += src.slice(j, j + 2);
      }
      j += 2;
      continue;
    }
    chunk += src[j];
    j++;
  }
}

/** Scans a double-quoted string up to and including its closing quote; escapes are checked here. */
function scanString(src: string, i: number): [number, string | undefined] {
  const n = src.length;
  let j = i + 1;
  let err: string | undefined;
  for (;;) {
    if (j >= n) return [j, "non-terminated string"];
    const c = src.charCodeAt(j);
    if (c === C.LF) return [j, "non-terminated string"];
    j++;
    if (c === C.DQUOTE) return [j, err];
    if (c === C.BACKSLASH) {
      const d = j < n ? src.charCodeAt(j) : -1;
      switch (d) {
        case C.BACKSLASH: case C.DQUOTE: case C.SLASH:
        case 98 /* b */: case 102 /* f */: case 110 /* n */: case 114 /* r */: case 116 /* t */:
          j++;
          break;
        case 117 /* u */:
          // OPA's scanner skips four characters; the decoder then rejects a bad hex digit.
          j++;
          for (let k = 0; k < 4 && j < n && src.charCodeAt(j) !== C.LF; k++) j++;
          break;
        default:
          err ??= "illegal escape sequence";
      }
    }
  }
}
