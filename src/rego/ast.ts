/**
 * The Rego v1 abstract syntax tree. Plain JSON-serialisable data: the parser builds it,
 * `regent parse --format json` prints it, and the compiler reads (and rewrites copies of) it.
 * Every node carries a `loc`. Operators are calls with OPA's built-in names (`eq`, `assign`,
 * `equal`, `plus`, `internal.member_2`, ...), exactly as OPA's own AST represents them.
 */

export interface Location {
  file: string;
  /** 1-based line. */
  row: number;
  /** 1-based column, counted in characters. */
  col: number;
  /** 0-based character offset of the node's first character in the source text. */
  offset: number;
  /** 0-based character offset just past the node's last character. */
  end: number;
}

// ---------------------------------------------------------------------------
// Terms
// ---------------------------------------------------------------------------

export interface NullTerm { type: "null"; loc: Location }
export interface BooleanTerm { type: "boolean"; value: boolean; loc: Location }
/** The number's source text, kept exact (big integers, exponents, decimals): `"1e400"`, `"12345678901234567890"`. */
export interface NumberTerm { type: "number"; value: string; loc: Location }
/** A string's decoded value (escapes resolved); `raw` is true for a backtick string. */
export interface StringTerm { type: "string"; value: string; raw?: boolean; loc: Location }
/** A variable. The wildcard `_` is parsed as a var named `_`; the compiler renames each one apart. */
export interface VarTerm { type: "var"; name: string; loc: Location }

/**
 * A reference: `terms[0]` is the head (a var such as `input`, `data`, `x`, or a composite,
 * call or comprehension term), `terms[1..]` the path. `a.b` gives the path element as a
 * string term `"b"`; `a[x]` gives the term `x`.
 */
export interface RefTerm { type: "ref"; terms: Term[]; loc: Location }

export interface ArrayTerm { type: "array"; items: Term[]; loc: Location }
export interface ObjectTerm { type: "object"; items: [Term, Term][]; loc: Location }
/** `{1, 2}` and `set()`. */
export interface SetTerm { type: "set"; items: Term[]; loc: Location }

export interface ArrayComprehension { type: "arraycomp"; head: Term; body: Body; loc: Location }
export interface SetComprehension { type: "setcomp"; head: Term; body: Body; loc: Location }
export interface ObjectComprehension { type: "objectcomp"; key: Term; value: Term; body: Body; loc: Location }

/**
 * A call: a built-in, a user function or an operator. `fn` is a ref whose head is a var:
 * `count` is `[var count]`, `time.now_ns` is `[var time, "now_ns"]`, `data.lib.f` is
 * `[var data, "lib", "f"]`; `x == y` is `equal(x, y)`, `x := 1` is `assign(x, 1)`.
 */
export interface CallTerm { type: "call"; fn: RefTerm; args: Term[]; loc: Location }

export type Scalar = NullTerm | BooleanTerm | NumberTerm | StringTerm;
export type Term =
  | Scalar
  | VarTerm
  | RefTerm
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm;

/** OPA's names for the infix operators, used as `CallTerm.fn` heads. */
export const OPERATORS = {
  "=": "eq",
  ":=": "assign",
  "==": "equal",
  "!=": "neq",
  "<": "lt",
  "<=": "lte",
  ">": "gt",
  ">=": "gte",
  "+": "plus",
  "-": "minus",
  "*": "mul",
  "/": "div",
  "%": "rem",
  "&": "and",
  "|": "or",
} as const;
/** `x in xs` is `internal.member_2(x, xs)`; `k, v in xs` is `internal.member_3(k, v, xs)`. */
export const MEMBER_2 = "internal.member_2";
export const MEMBER_3 = "internal.member_3";

// ---------------------------------------------------------------------------
// Expressions and bodies
// ---------------------------------------------------------------------------

/** `with <target> as <value>`; the target is a ref (`input.x`, `data.a.b`, `count`, `data.lib.f`). */
export interface With { type: "with"; target: RefTerm; value: Term; loc: Location }

/** A bare term: `x`, `f(x)`, `x == y` (a call term), `input.allowed`. */
export interface TermExpr { type: "term"; term: Term }
/** `some x, y`: declares local variables. */
export interface SomeDecl { type: "some"; vars: VarTerm[] }
/** `some x in xs` (key null) or `some k, v in xs`. */
export interface SomeIn { type: "somein"; key: Term | null; value: Term; domain: Term }
/** `every x in xs { ... }` (key null) or `every k, v in xs { ... }`. */
export interface Every { type: "every"; key: Term | null; value: Term; domain: Term; body: Body }

export interface Expr {
  type: "expr";
  negated: boolean;
  expr: TermExpr | SomeDecl | SomeIn | Every;
  with: With[];
  loc: Location;
}

export type Body = Expr[];

// ---------------------------------------------------------------------------
// Rules, imports, packages, modules
// ---------------------------------------------------------------------------

export interface RuleHead {
  /**
   * The head's ref: `p` is `[var p]`; `a.b[x]` is `[var a, "b", var x]`; a function `f(x)` is `[var f]`.
   * Ref heads are written relative to the package.
   */
  ref: Term[];
  /** Function parameters, or null for a rule that is not a function. */
  args: Term[] | null;
  /** The element of a multi-value (partial set) rule: `p contains x` has key `x`. Null otherwise. */
  key: Term | null;
  /**
   * The value: `p := 1` and `p = 1` give `1`; `p if {...}` with no value gives `true`
   * (with `impliedValue` set); null for `contains` rules.
   */
  value: Term | null;
  /** True for `:=`. */
  assign: boolean;
  /** True when the value `true` was implied, not written. */
  impliedValue?: boolean;
  loc: Location;
}

/** What a rule defines, derived from its head (OPA's RuleKind plus the function case). */
export type RuleKind = "complete" | "partial_set" | "partial_object" | "function";

export interface Rule {
  type: "rule";
  kind: RuleKind;
  default: boolean;
  head: RuleHead;
  /** The body; a rule written without one (`p := 1`) has the body `[true]` as OPA gives it. */
  body: Body;
  /** The next rule of an `else` chain. Its head carries its value (and args for functions). */
  else: Rule | null;
  /** METADATA annotations attached to this rule. */
  annotations: Annotation[];
  loc: Location;
}

export interface Import {
  type: "import";
  /** `import data.a.b` is the ref `data.a.b`; `import rego.v1` the ref `rego.v1`. */
  path: RefTerm;
  alias: string | null;
  loc: Location;
}

export interface Package {
  type: "package";
  /** The package path as written after `package`, e.g. `["a", "b"]` for `package a.b`. */
  path: string[];
  loc: Location;
}

/** A `# METADATA` block: the YAML parsed as an object, with its scope and location. */
export interface Annotation {
  type: "annotation";
  /** `rule` (default for rules), `document`, `package` or `subpackages`. */
  scope: string;
  title?: string;
  description?: string;
  entrypoint?: boolean;
  /** All YAML fields as written (including the ones above), for tools such as `regent inspect`. */
  fields: Record<string, unknown>;
  loc: Location;
}

export interface Comment { text: string; loc: Location }

export interface Module {
  type: "module";
  file: string;
  package: Package;
  imports: Import[];
  rules: Rule[];
  /** Annotations attached to the package (scope package or subpackages). */
  annotations: Annotation[];
  comments: Comment[];
}
