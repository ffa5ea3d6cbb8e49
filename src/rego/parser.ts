/**
 * Entry points of the Rego front end: whole modules (with error recovery), queries and
 * single terms. Pure functions of their text; the grammar itself lives in ./parser/.
 */
import type { Body, Module, Term } from "./ast.js";
import { RegentErrors } from "../errors.js";
import { lex } from "./lexer.js";
import { errorLoc } from "./location.js";
import { parseError } from "./errors.js";
import { parseQueryUntil } from "./parser/body.js";
import { parseModuleSource, type ParseResult } from "./parser/module.js";
import { ParseFailure, Parser } from "./parser/state.js";

export type { ParseResult };

/**
 * Parses a module. On any error `module` is null and `errors` lists every independent error
 * found (sorted by location, at most 10 plus "error limit reached", as OPA caps them).
 */
export function parseModule(source: string, file: string): ParseResult {
  return parseModuleSource(source, file);
}

/** Parses a module or throws `RegentErrors` with all its errors. */
export function parseModuleOrThrow(source: string, file: string): Module {
  const { module, errors } = parseModuleSource(source, file);
  if (!module) throw new RegentErrors(errors);
  return module;
}

function withParser<T>(source: string, file: string, what: string, fn: (p: Parser) => T): T {
  const p = new Parser(file, source, lex(source).tokens);
  if (p.is("eof")) throw new RegentErrors([parseError(`empty ${what}`, { file, row: 1, col: 1 })]);
  try {
    const result = fn(p);
    if (p.errors.length > 0) throw new RegentErrors(p.errors);
    return result;
  } catch (e) {
    if (e instanceof ParseFailure) throw new RegentErrors([...p.errors, parseError(e.message, errorLoc(e.loc))]);
    if (e instanceof RangeError) throw new RegentErrors([parseError("max parsing recursion depth exceeded", { file, row: 1, col: 1 })]);
    throw e;
  }
}

/** Parses a query such as `data.a.p = x` or `x := data.a; x > 1`. Throws `RegentErrors`. */
export function parseQuery(source: string, file = "query"): Body {
  return withParser(source, file, "query", (p) => parseQueryUntil(p, "eof"));
}

/** Parses exactly one term, such as a case's `input_term`. Throws `RegentErrors`. */
export function parseTerm(source: string, file = "term"): Term {
  return withParser(source, file, "term", (p) => {
    const body = parseQueryUntil(p, "eof");
    const e = body[0];
    if (body.length !== 1 || e.negated || e.with.length > 0 || e.expr.type !== "term") {
      p.fail("expected exactly one term", e.loc);
    }
    return (e.expr as { term: Term }).term;
  });
}
