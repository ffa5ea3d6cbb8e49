/**
 * The module driver: reads statements in order, checks that the package comes first, and
 * recovers from a failed statement by skipping to the next line that starts a statement at
 * column 1, so that every independent error in a file is reported in one run.
 */
import type { Comment, Import, Module, Package, Rule } from "../ast.js";
import { lex, type Token } from "../lexer.js";
import { locOf } from "../location.js";
import { MAX_PARSE_ERRORS, parseError } from "../errors.js";
import { sortErrors, type RegentError } from "../../errors.js";
import { attachAnnotations } from "./annotations.js";
import { parseRules, startsRule } from "./rules.js";
import { ParseFailure, Parser } from "./state.js";
import { atImport, atPackage, parseImport, parsePackage, rejectExpressionStatement } from "./statements.js";

export interface ParseResult {
  module: Module | null;
  errors: RegentError[];
}

type Stmt = Package | Import | Rule;

/** Tokens that cannot begin a statement: closers, infix operators and separators. */
const NOT_A_START = new Set(["}", "]", ")", ",", ";", ":", "|", "&", "=", ":=", "==", "!=", "<", "<=", ">", ">=",
  "+", "*", "/", "%", "eof", "illegal", "else", "with", "as", "if", "in", "contains"]);

function startsLineAtColumnOne(t: Token): boolean {
  return t.nl && t.col === 1 && !NOT_A_START.has(t.kind);
}

/** Index of the first token at or after `offset`. */
function tokenAt(toks: Token[], offset: number): number {
  let lo = 0;
  let hi = toks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (toks[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where to resume after the statement that began at token `from` failed at token `failed`:
 * the start of the failing line if that line starts a statement at column 1 (a missing `}`
 * makes the parser run into the next rule), else the next line that does.
 */
function resumePoint(toks: Token[], from: number, failed: number): number {
  let lineStart = Math.min(failed, toks.length - 1);
  while (lineStart > from && !toks[lineStart].nl) lineStart--;
  if (lineStart > from && startsLineAtColumnOne(toks[lineStart])) return lineStart;
  for (let i = Math.max(failed, from) + 1; i < toks.length; i++) {
    if (toks[i].kind === "eof" || startsLineAtColumnOne(toks[i])) return i;
  }
  return toks.length - 1;
}

/** Sorts, drops exact duplicates (re-parsing after recovery can meet an error twice), caps. */
function capErrors(errors: RegentError[]): RegentError[] {
  const seen = new Set<string>();
  const sorted = sortErrors(errors).filter((e) => {
    const key = e.toString();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (sorted.length <= MAX_PARSE_ERRORS) return sorted;
  const kept = sorted.slice(0, MAX_PARSE_ERRORS);
  kept.push(parseError("error limit reached", sorted[MAX_PARSE_ERRORS].location));
  return kept;
}

export function parseModuleSource(source: string, file: string): ParseResult {
  const { tokens, comments } = lex(source);
  const p = new Parser(file, source, tokens);
  const stmts: Stmt[] = [];
  let pkg: Package | null = null;
  let packageExpectedReported = false;
  const imports: Import[] = [];
  const rules: Rule[] = [];

  while (!p.is("eof")) {
    const startPos = p.pos;
    p.resetDepth();
    try {
      let stmt: Stmt;
      if (atPackage(p)) {
        const parsed = parsePackage(p);
        if (stmts.length === 0) pkg = parsed;
        else p.report("unexpected package", parsed.loc);
        stmt = parsed;
      } else if (atImport(p)) {
        stmt = parseImport(p);
        imports.push(stmt);
      } else if (startsRule(p)) {
        const parsed = parseRules(p);
        rules.push(...parsed);
        stmt = parsed[0];
      } else {
        rejectExpressionStatement(p);
      }
      if (stmts.length === 0 && stmt.type !== "package" && !packageExpectedReported) {
        p.report("package expected", stmt.loc);
        packageExpectedReported = true;
      }
      stmts.push(stmt);
    } catch (e) {
      let failed = startPos;
      if (e instanceof RangeError) {
        // A stack overflow on absurdly deep nesting: report it like OPA's depth limit.
        p.report("max parsing recursion depth exceeded", p.loc(tokens[startPos]));
      } else if (e instanceof ParseFailure) {
        p.report(e.message, e.loc);
        failed = tokenAt(tokens, e.loc.offset);
      } else {
        throw e;
      }
      if (stmts.length === 0 && !packageExpectedReported && tokens[startPos].kind !== "package") {
        p.report("package expected", p.loc(tokens[startPos]));
        packageExpectedReported = true;
      }
      p.pos = resumePoint(tokens, startPos, failed);
    }
  }

  const errors = p.errors;
  if (stmts.length === 0 && errors.length === 0) {
    errors.push(parseError("empty module", { file, row: 1, col: 1 }));
  }
  const moduleComments: Comment[] = comments.map((c) => ({ text: c.text, loc: locOf(file, c) }));
  if (pkg !== null) {
    const module: Module = { type: "module", file, package: pkg, imports, rules, annotations: [], comments: moduleComments };
    errors.push(...attachAnnotations(file, comments, module, stmts));
    if (errors.length === 0) return { module, errors: [] };
  }
  return { module: null, errors: capErrors(errors) };
}
