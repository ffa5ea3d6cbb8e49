/**
 * Builds the statements of one IR function or plan: hands out locals, keeps the stack of open
 * blocks (so that `Break` indexes can be computed), and appends statements to the innermost one.
 */
import type { Block, Local, Loc, Stmt } from "../ir/ir.js";

export class FuncBuilder {
  private nextLocal: number;
  private readonly stack: Block[] = [];
  readonly blocks: Block[] = [];
  /** Location attached to the statements emitted from now on (for run-time errors). */
  loc: Loc | undefined;

  constructor(firstFreeLocal: number) {
    this.nextLocal = firstFreeLocal;
  }

  local(): Local {
    return this.nextLocal++;
  }

  /** Opens a new top-level block of the function (each clause or plan body runs in its own). */
  topBlock(f: () => void): void {
    const b: Block = { stmts: [] };
    this.blocks.push(b);
    this.inBlock(b, f);
  }

  /** Emits `stmt` into the current block. */
  emit(stmt: Stmt): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) throw new Error("planner: statement emitted outside a block");
    if (this.loc && !stmt.loc) stmt.loc = this.loc;
    top.stmts.push(stmt);
  }

  /** Runs `f` with `b` as the current block. */
  inBlock(b: Block, f: () => void): void {
    this.stack.push(b);
    try {
      f();
    } finally {
      this.stack.pop();
    }
  }

  /** Emits a BlockStmt with one block and fills it with `f`; returns the block's depth. */
  block(f: (depth: number) => void): void {
    const b: Block = { stmts: [] };
    this.emit({ type: "Block", blocks: [b] });
    this.inBlock(b, () => f(this.depth));
  }

  /** The number of open blocks; the innermost block has this depth. */
  get depth(): number {
    return this.stack.length;
  }

  /** A Break that leaves every block up to and including the one at `depth`. */
  breakTo(depth: number): void {
    this.emit({ type: "Break", index: this.depth - depth });
  }
}
