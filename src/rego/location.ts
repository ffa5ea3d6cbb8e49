/**
 * Source positions: building AST `Location`s from tokens and turning them into the
 * `{file,row,col}` that errors carry. Rows and columns are 1-based; offsets index the source string.
 */
import type { Location } from "./ast.js";
import type { ErrorLocation } from "../errors.js";

/** The position part of a token, as the lexer records it. */
export interface Span {
  start: number;
  end: number;
  row: number;
  col: number;
}

export function locOf(file: string, span: Span): Location {
  return { file, row: span.row, col: span.col, offset: span.start, end: span.end };
}

/** A location that starts at `from` and ends at the offset `end`. */
export function extendLoc(from: Location, end: number): Location {
  return { file: from.file, row: from.row, col: from.col, offset: from.offset, end: Math.max(from.end, end) };
}

export function errorLoc(loc: Location): ErrorLocation {
  return { file: loc.file, row: loc.row, col: loc.col };
}
