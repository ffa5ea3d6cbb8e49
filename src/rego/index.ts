/**
 * The Rego front end's public surface: text in, AST with locations out. Other folders import
 * from here, never from the parser's internals.
 */
export { parseModule, parseModuleOrThrow, parseQuery, parseTerm, type ParseResult } from "./parser.js";
export { lex, type Token, type TokenKind } from "./lexer.js";
export { REGO_ERROR_CODES, MAX_PARSE_ERRORS } from "./errors.js";
export { ruleKind } from "./parser/rules.js";
export type * from "./ast.js";
export { OPERATORS, MEMBER_2, MEMBER_3 } from "./ast.js";
export { prettyModule, prettyRule, prettyTerm, prettyExpr, prettyBody } from "./pretty.js";
