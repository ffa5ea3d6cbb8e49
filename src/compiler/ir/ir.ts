/**
 * The planner's intermediate representation: plain data, no behaviour. The planner turns the
 * rewritten AST into an `ir.Policy`; the wasm backend turns that into a module. Modelled on
 * OPA's `v1/ir`: blocks of statements, where a statement that "fails" (is undefined) leaves its
 * block, and that is how Rego's backtracking becomes structured control flow.
 *
 * Execution model
 * - Locals hold value pointers; 0 means undefined. Every function has its own locals.
 * - A `Block` runs its statements in order. When a statement fails, control leaves that block
 *   (and only that block) and continues after the statement that contains it.
 * - `BlockStmt` runs each of its blocks in turn; each block's failure is local to that block.
 * - `BreakStmt{index}` leaves `index + 1` enclosing blocks: index 0 leaves the innermost block
 *   (exactly like a failure), index 1 also leaves the block around it, and so on. Blocks here
 *   are the `Block`s nested in statements (BlockStmt's blocks, Scan's, Not's, With's bodies),
 *   and the top-level blocks of a Func or Plan.
 * - In a `Func`, the top-level blocks run in order; `ReturnLocalStmt` returns at once. Falling
 *   off the end returns the `result` local (0 = undefined).
 * - In a `Plan`, the top-level blocks run in order; results are added with `ResultSetAddStmt`.
 *   The plan's locals 0 and 1 are input and data: input may be undefined (0).
 * - Every Func receives input and data as its first two parameters (locals 0 and 1 inside it).
 * Decisions taken by the wasm backend (src/compiler/wasm) where the above left room:
 * - The result set is a set: equal results collapse, and results come out in Rego's order.
 * - Scan visits objects and sets in Rego's sorted key order; over a scalar or undefined it runs
 *   nothing. ReturnLocal inside a Plan ends the plan.
 * - An undefined (0) operand makes Equal and NotEqual fail; appending, inserting or adding an
 *   undefined value (ArrayAppend, ObjectInsert*, SetAdd, ResultSetAdd) does nothing.
 * - Dot on an array accepts a number index or a canonical index string ("2"), since the
 *   planner spells refs into base documents as storage paths, as OPA's store does.
 */

/** A local variable slot in the current function or plan. */
export type Local = number;

/** The input document (undefined when no input was given). */
export const INPUT: Local = 0;
/** The data document. */
export const DATA: Local = 1;

export type Operand =
  | { type: "local"; local: Local }
  | { type: "bool"; value: boolean }
  /** A constant string: index into `Policy.strings`. */
  | { type: "string"; index: number };

/** A source location, used in run-time error messages (`file:row:col: message`). */
export interface Loc { file: string; row: number; col: number }

export interface Block { stmts: Stmt[] }

export interface Func {
  /** Unique name, e.g. `g0.data.a.b.p` or `g0.data.a.f`. */
  name: string;
  /** Parameter locals, the first two being input and data (0 and 1). */
  params: Local[];
  /** The local returned when the blocks fall off the end. */
  result: Local;
  blocks: Block[];
  /** The rule path it plans (for names and debugging), e.g. `["a", "b", "p"]`. */
  path: string[];
  /**
   * Memoise the result (defined or not) for the rest of the evaluation. Only for functions whose
   * value depends on nothing but input and data: calls made while a `With` block runs neither
   * read nor fill the memo, since input or data may differ there.
   */
  memo?: boolean;
}

export interface Plan {
  /** The entrypoint name as the module's `entrypoints()` lists it, e.g. `a/b/p`. */
  name: string;
  blocks: Block[];
}

export interface Policy {
  /** The constant strings that operands and statements refer to by index. */
  strings: string[];
  funcs: Func[];
  plans: Plan[];
}

// ---------------------------------------------------------------------------
// Statements. Each may carry `loc` for run-time errors.
// ---------------------------------------------------------------------------

interface StmtBase { loc?: Loc }

/**
 * Calls a planned `Func` (by its name) or a built-in (by its Rego name, e.g. `count`,
 * `time.now_ns`). The result goes to `result`; an undefined result (0) fails the statement.
 * Calls to planned functions pass input and data explicitly as their first two args.
 */
export interface CallStmt extends StmtBase { type: "Call"; func: string; args: Operand[]; result: Local }
/** `target = source[key]`; fails when source is not a collection or has no such key/index. */
export interface DotStmt extends StmtBase { type: "Dot"; source: Operand; key: Operand; target: Local }
/** `target = count(source)` for array/object/set/string (characters); fails for other types. */
export interface LenStmt extends StmtBase { type: "Len"; source: Operand; target: Local }
/**
 * Iterates over an array (key = index number), object (key = key) or set (key = value = element).
 * Runs `block` once per element with `key` and `value` set. Fails (does nothing) for other types.
 * The statement itself never fails: after the loop, control continues with the next statement.
 */
export interface ScanStmt extends StmtBase { type: "Scan"; source: Local; key: Local; value: Local; block: Block }
/** Runs `block`; if it completes without failing, this statement fails. Otherwise it succeeds. */
export interface NotStmt extends StmtBase { type: "Not"; block: Block }
export interface BlockStmt extends StmtBase { type: "Block"; blocks: Block[] }
export interface BreakStmt extends StmtBase { type: "Break"; index: number }
/** Sets `target` to the value: a number (integer) value. */
export interface AssignIntStmt extends StmtBase { type: "AssignInt"; value: number; target: Local }
export interface AssignVarStmt extends StmtBase { type: "AssignVar"; source: Operand; target: Local }
/**
 * Assigns when `target` is undefined; when it is defined and equal, does nothing; when it is
 * defined and different, raises `eval_conflict_error` ("complete rules must not produce multiple outputs"
 * or, for functions, "functions must not produce multiple outputs for same inputs").
 */
export interface AssignVarOnceStmt extends StmtBase { type: "AssignVarOnce"; source: Operand; target: Local; message?: string }
/** Sets `target` to undefined (0). */
export interface ResetLocalStmt extends StmtBase { type: "ResetLocal"; target: Local }
export interface MakeNullStmt extends StmtBase { type: "MakeNull"; target: Local }
export interface MakeNumberIntStmt extends StmtBase { type: "MakeNumberInt"; value: number; target: Local }
/** A number from its exact source text (`Policy.strings[index]`), e.g. `"1.5"`, `"1e400"`, big integers. */
export interface MakeNumberRefStmt extends StmtBase { type: "MakeNumberRef"; index: number; target: Local }
export interface MakeArrayStmt extends StmtBase { type: "MakeArray"; capacity: number; target: Local }
export interface MakeObjectStmt extends StmtBase { type: "MakeObject"; target: Local }
export interface MakeSetStmt extends StmtBase { type: "MakeSet"; target: Local }
/** Fails unless a == b (Rego equality: 1 == 1.0, structural for composites). */
export interface EqualStmt extends StmtBase { type: "Equal"; a: Operand; b: Operand }
export interface NotEqualStmt extends StmtBase { type: "NotEqual"; a: Operand; b: Operand }
export interface IsArrayStmt extends StmtBase { type: "IsArray"; source: Operand }
export interface IsObjectStmt extends StmtBase { type: "IsObject"; source: Operand }
export interface IsSetStmt extends StmtBase { type: "IsSet"; source: Operand }
/** Fails when the local is undefined. */
export interface IsDefinedStmt extends StmtBase { type: "IsDefined"; source: Local }
/** Fails when the local is defined. */
export interface IsUndefinedStmt extends StmtBase { type: "IsUndefined"; source: Local }
export interface ArrayAppendStmt extends StmtBase { type: "ArrayAppend"; array: Local; value: Operand }
/** Inserts or overwrites. */
export interface ObjectInsertStmt extends StmtBase { type: "ObjectInsert"; object: Local; key: Operand; value: Operand }
/**
 * Inserts; if the key exists with a different value, raises `eval_conflict_error`
 * ("object keys must be unique" unless `message` says otherwise).
 */
export interface ObjectInsertOnceStmt extends StmtBase { type: "ObjectInsertOnce"; object: Local; key: Operand; value: Operand; message?: string }
/**
 * `target = deep merge of a and b`: objects merge recursively; where both have a key whose
 * values are not both objects, `a`'s value wins. Fails if either is not an object.
 */
export interface ObjectMergeStmt extends StmtBase { type: "ObjectMerge"; a: Local; b: Local; target: Local }
export interface SetAddStmt extends StmtBase { type: "SetAdd"; set: Local; value: Operand }
/**
 * Runs `block` with `local` temporarily replaced by a copy of its value in which the value at
 * `path` (string constant indexes; empty = the whole value) is `value`. Missing objects along
 * the path are created; a non-object along the path is replaced by an object. The original
 * value is restored afterwards, whether the block failed or not. Fails if the block fails.
 */
export interface WithStmt extends StmtBase { type: "With"; local: Local; path: number[]; value: Operand; block: Block }
/** Adds `{"result": value}` (here: the value itself) to the plan's result set. */
export interface ResultSetAddStmt extends StmtBase { type: "ResultSetAdd"; value: Local }
export interface ReturnLocalStmt extends StmtBase { type: "ReturnLocal"; source: Local }
/**
 * Raises a run-time error with an OPA code (`eval_type_error`, `eval_conflict_error`,
 * `eval_builtin_error`) and a message; the evaluation stops.
 */
export interface ErrorStmt extends StmtBase { type: "Error"; code: string; message: string }
export interface NopStmt extends StmtBase { type: "Nop" }

export type Stmt =
  | CallStmt
  | DotStmt
  | LenStmt
  | ScanStmt
  | NotStmt
  | BlockStmt
  | BreakStmt
  | AssignIntStmt
  | AssignVarStmt
  | AssignVarOnceStmt
  | ResetLocalStmt
  | MakeNullStmt
  | MakeNumberIntStmt
  | MakeNumberRefStmt
  | MakeArrayStmt
  | MakeObjectStmt
  | MakeSetStmt
  | EqualStmt
  | NotEqualStmt
  | IsArrayStmt
  | IsObjectStmt
  | IsSetStmt
  | IsDefinedStmt
  | IsUndefinedStmt
  | ArrayAppendStmt
  | ObjectInsertStmt
  | ObjectInsertOnceStmt
  | ObjectMergeStmt
  | SetAddStmt
  | WithStmt
  | ResultSetAddStmt
  | ReturnLocalStmt
  | ErrorStmt
  | NopStmt;
