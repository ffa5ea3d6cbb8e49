/**
 * The parser's cursor over the token array, its error list, and the two mechanisms the
 * grammar needs: a fatal `ParseFailure` (thrown, caught at a statement boundary or by a
 * speculative attempt) and `attempt`, which backtracks when an alternative does not parse.
 */
import type { Location, Term } from "../ast.js";
import { KEYWORDS, type Token, type TokenKind } from "../lexer.js";
import { errorLoc, locOf } from "../location.js";
import { parseError } from "../errors.js";
import type { RegentError } from "../../errors.js";

/** Thrown (not an Error, so no stack is captured: backtracking throws often). */
export class ParseFailure {
  constructor(readonly message: string, readonly loc: Location) {}
}

/** Nesting deeper than this is refused before the JS stack would overflow. */
const MAX_DEPTH = 4000;

type CacheEntry = { term: Term; pos: number } | { failure: ParseFailure; pos: number };

export class Parser {
  pos = 0;
  /** Non-fatal errors (e.g. v0 constructs) recorded while parsing continues. */
  readonly errors: RegentError[] = [];
  /** `not { body }` is enabled by `import future.keywords.not` or `import rego.v2`, as in OPA. */
  notBody = false;
  /** Template-string expressions parsed so far in this module: their generated vars are numbered by it. */
  templateCount = 0;
  private depth = 0;
  /** Parsed terms by start token: the grammar re-parses the same term when it backtracks. */
  private readonly cache = new Map<number, CacheEntry>();

  constructor(readonly file: string, readonly src: string, readonly toks: Token[]) {}

  get cur(): Token {
    return this.toks[this.pos];
  }

  peek(k = 1): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)];
  }

  /** Consumes the current token and returns it. */
  next(): Token {
    const t = this.toks[this.pos];
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }

  is(kind: TokenKind): boolean {
    return this.toks[this.pos].kind === kind;
  }

  /** End offset of the last consumed token. */
  lastEnd(): number {
    return this.pos > 0 ? this.toks[this.pos - 1].end : 0;
  }

  loc(tok: Token = this.cur): Location {
    return locOf(this.file, tok);
  }

  /** A location from `start` to the end of the last consumed token. */
  span(start: Token): Location {
    const end = this.pos > 0 ? this.toks[this.pos - 1].end : 0;
    return { file: this.file, row: start.row, col: start.col, offset: start.start, end: end > start.end ? end : start.end };
  }

  fail(message: string, loc: Location = this.loc()): never {
    throw new ParseFailure(message, loc);
  }

  /** OPA's "unexpected <tok> token|keyword[: note]"; a malformed token reports the lexer's reason. */
  illegal(note?: string, tok: Token = this.cur): never {
    if (tok.kind === "illegal") this.fail(tok.error ?? "illegal token", this.loc(tok));
    const what = tok.kind;
    const type = KEYWORDS.has(tok.kind) ? "keyword" : "token";
    this.fail(note ? `unexpected ${what} ${type}: ${note}` : `unexpected ${what} ${type}`, this.loc(tok));
  }

  expect(kind: TokenKind, note?: string): Token {
    if (this.cur.kind !== kind) this.illegal(note ?? `expected ${kind}`);
    return this.next();
  }

  /** Records a non-fatal error and carries on. */
  report(message: string, loc: Location): void {
    this.errors.push(parseError(message, errorLoc(loc)));
  }

  /** Like `attempt`, but hands the failure to `onFail`, which may rethrow it or return a fallback. */
  recover<T>(fn: () => T, onFail: (f: ParseFailure) => T): T {
    const pos = this.pos;
    const nerr = this.errors.length;
    const depth = this.depth;
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      const failedAt = this.pos;
      this.pos = pos;
      this.errors.length = nerr;
      this.depth = depth;
      this.failedAt = failedAt;
      return onFail(e);
    }
  }

  /** Where the cursor stood when the last `recover` body failed. */
  failedAt = 0;

  /** Runs `fn`; if it fails, rewinds the cursor (and any errors it reported) and returns undefined. */
  attempt<T>(fn: () => T): T | undefined {
    const pos = this.pos;
    const nerr = this.errors.length;
    const depth = this.depth;
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      this.pos = pos;
      this.errors.length = nerr;
      this.depth = depth;
      return undefined;
    }
  }

  /** True when the current token continues a ref or call: `.`, `[` or `(` with no space before it. */
  atRefContinuation(): boolean {
    const t = this.cur;
    return !t.ws && (t.kind === "." || t.kind === "[" || t.kind === "(");
  }

  /** A keyword used as the first term of a ref (`not.x`, `contains[0]`) reads as an identifier. */
  keywordStartsRef(): boolean {
    const t = this.cur;
    if (!KEYWORDS.has(t.kind)) return false;
    const n = this.peek();
    return !n.ws && (n.kind === "." || n.kind === "[");
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) {
      this.depth = 0;
      this.fail("max parsing recursion depth exceeded");
    }
  }

  leave(): void {
    this.depth--;
  }

  resetDepth(): void {
    this.depth = 0;
  }

  /** Memoises `fn` (a term parser) by start position, failures included. */
  cached(fn: () => Term): Term {
    const start = this.pos;
    const hit = this.cache.get(start);
    if (hit) {
      this.pos = hit.pos;
      if ("failure" in hit) throw hit.failure;
      return hit.term;
    }
    try {
      const term = fn();
      this.cache.set(start, { term, pos: this.pos });
      return term;
    } catch (e) {
      if (e instanceof ParseFailure) this.cache.set(start, { failure: e, pos: this.pos });
      throw e;
    }
  }
}
