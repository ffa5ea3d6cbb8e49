/**
 * Module-level statements other than rules: `package`, `import`, and a stray expression (which
 * OPA tries to read as a rule and rejects with "<type> cannot be used for rule name" and similar).
 */
import type { Import, Package, Term } from "../ast.js";
import { KEYWORDS } from "../lexer.js";
import { parseLiteral } from "./body.js";
import { valueName } from "./nodes.js";
import type { Parser } from "./state.js";
import { parseRef, parseTerm } from "./terms.js";

export function atPackage(p: Parser): boolean {
  return p.is("package") && !p.keywordStartsRef();
}

export function atImport(p: Parser): boolean {
  return p.is("import") && !p.keywordStartsRef();
}

function identOrKeyword(p: Parser): boolean {
  return p.is("identifier") || KEYWORDS.has(p.cur.kind);
}

export function parsePackage(p: Parser): Package {
  const start = p.next();
  if (!identOrKeyword(p)) p.illegal();
  const first = p.cur;
  const term = parsePathTerm(p);
  const path: string[] = [first.text];
  if (term.type === "ref") {
    if (term.terms[0].type !== "var") p.fail(`unexpected ${valueName(term.terms[0])} token: expecting var`, term.loc);
    for (let i = 1; i < term.terms.length; i++) {
      const t = term.terms[i];
      if (t.type !== "string") p.fail(`unexpected ${valueName(t)} token: expecting string`, t.loc);
      path.push(t.value);
    }
  } else if (term.type !== "var") {
    p.illegal(undefined, first);
  }
  return { type: "package", path, loc: p.span(start) };
}

/** The path after `package` or `import`; its first word may be a keyword (`import future.keywords.in`). */
function parsePathTerm(p: Parser): Term {
  if (!KEYWORDS.has(p.cur.kind)) return parseTerm(p);
  const tok = p.next();
  const head: Term = { type: "var", name: tok.text, loc: p.loc(tok) };
  return p.atRefContinuation() ? parseRef(p, head) : head;
}

const IMPORT_ROOTS = new Set(["data", "input", "future", "rego"]);
const FUTURE_KEYWORDS = ["contains", "every", "if", "in", "not"];

export function parseImport(p: Parser): Import {
  const start = p.next();
  if (!identOrKeyword(p)) p.illegal();
  const headTok = p.cur;
  const term = parsePathTerm(p);
  let path: Import["path"];
  if (term.type === "var") path = { type: "ref", terms: [term], loc: term.loc };
  else if (term.type === "ref") {
    for (let i = 1; i < term.terms.length; i++) {
      const t = term.terms[i];
      if (t.type !== "string") p.fail(`unexpected ${valueName(t)} token: expecting string`, t.loc);
    }
    path = term;
  } else {
    p.fail("expected path", p.loc(headTok));
  }
  const root = path.terms[0];
  const rootName = root.type === "var" ? root.name : "";
  if (!IMPORT_ROOTS.has(rootName)) {
    p.fail(`unexpected import path, must begin with one of: {data, future, input, rego}, got: ${rootName || valueName(root)}`, path.loc);
  }
  let alias: string | null = null;
  if (p.is("as")) {
    p.next();
    if (!p.is("identifier")) p.illegal("expected var");
    alias = p.next().text;
  }
  const names = path.terms.slice(1).map((t) => (t.type === "string" ? t.value : ""));
  if (rootName === "future") {
    if (names[0] !== "keywords") p.fail("invalid import, must be `future.keywords`", path.loc);
    if (alias !== null) p.fail("`future` imports cannot be aliased", path.loc);
    if (names.length === 2 && !FUTURE_KEYWORDS.includes(names[1])) {
      p.fail(`unexpected keyword, must be one of [${FUTURE_KEYWORDS.join(" ")}]`, path.loc);
    }
    if (names.length > 2) p.fail("invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`", path.loc);
    if (names.length === 1 || names[1] === "not") p.notBody = true;
  } else if (rootName === "rego") {
    // rego.v2 is OPA's preview of the next version; of it, regent knows the `not { body }` form.
    if (names.length !== 1 || (names[0] !== "v1" && names[0] !== "v2")) {
      p.fail(`invalid import \`rego${names.map((n) => "." + n).join("")}\`, must be \`rego.v1\` or \`rego.v2\``, path.loc);
    }
    if (names[0] === "v2") p.notBody = true;
  } else if (alias === null && names.length > 0 && KEYWORDS.has(names[names.length - 1])) {
    const last = path.terms[path.terms.length - 1];
    p.fail(`unexpected import path, must not end with a keyword, got: ${names[names.length - 1]}`, last.loc);
  }
  return { type: "import", path, alias, loc: p.span(start) };
}

/**
 * A statement that is neither a package, an import nor a rule: parse it as a literal to
 * point at the real problem, then reject it with OPA's reason.
 */
export function rejectExpressionStatement(p: Parser): never {
  const expr = parseLiteral(p);
  const loc = expr.loc;
  if (expr.with.length > 0) p.fail("expressions using with keyword cannot be used for rule head", loc);
  if (expr.negated) p.fail("negated expressions cannot be used for rule head", loc);
  const e = expr.expr;
  if (e.type === "some" || e.type === "somein") p.fail("'some' declarations cannot be used for rule head", loc);
  if (e.type !== "term") p.fail("expression cannot be used for rule head", loc);
  const t = e.term;
  if (t.type === "call") {
    const op = t.fn.terms[0];
    if (op.type === "var" && (op.name === "eq" || op.name === "assign")) {
      p.fail(`${valueName(t.args[0])} cannot be used for rule name`, loc);
    }
    p.fail("rule name conflicts with built-in function", loc);
  }
  p.fail(`${valueName(t)} cannot be used for rule name`, loc);
}
