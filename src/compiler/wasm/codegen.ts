/**
 * Turns IR functions and plans into wasm function bodies. IR blocks become wasm blocks; a
 * failing statement branches out of its block (`br` to the block's label); `Break{index}` goes
 * `index` blocks further out, restoring any `With` overrides it jumps past.
 */
import type * as ir from "../ir/ir.js";
import type { Expr, LinkModule, RuntimeFunction } from "./module.js";
import { i32 } from "./module.js";
import type { DataLayout } from "./data.js";
import type { CallRouter } from "./calls.js";
import { wasmError } from "./errors.js";

/** The runtime helpers generated code calls, by export name. */
export const HELPERS = [
  "regent_result_add", "regent_equal", "regent_not_equal", "regent_make_array", "regent_make_object", "regent_make_set",
  "regent_array_append", "regent_object_insert", "regent_object_insert_once", "regent_set_add",
  "regent_dot", "regent_len", "regent_scan_len", "regent_scan_key", "regent_scan_value",
  "regent_object_merge", "regent_upsert", "regent_array_to_set", "regent_abort",
] as const;
export type Helper = (typeof HELPERS)[number];

const TAG_ARRAY = 5;
const TAG_OBJECT = 6;
const TAG_SET = 7;

export interface CodegenContext {
  mod: LinkModule;
  data: DataLayout;
  strings: string[];
  helpers: Record<Helper, RuntimeFunction>;
  /** Internal name of the runtime's current-location global. */
  locGlobal: string;
  router: CallRouter;
  /** Planned function name → generated wasm name and parameter count. */
  funcs: Map<string, { wasmName: string; params: number }>;
  hostImport(arity: number): string;
  /** Per-evaluation memo of rule values (see `Func.memo`). */
  memo: MemoLayout;
}

/**
 * Where memoised rule values live: a table of `[epoch, value]` pairs in static memory, one per
 * memoised function. An entry counts only when its epoch is the current evaluation's, so no
 * reset is needed between evaluations. `withDepth` counts the With blocks running now.
 */
export interface MemoLayout {
  table: number;
  slots: Map<string, number>;
  epochGlobal: string;
  withDepthGlobal: string;
}

type Frame = { kind: "block"; label: string } | { kind: "with"; local: number; save: number };

/** Generates one function (planned Func) or plan body. */
export class FunctionGen {
  private readonly frames: Frame[] = [];
  private readonly localMap = new Map<number, number>();
  private nextIndex: number;
  private labelCount = 0;
  /** For plans: the wasm index of the result-set parameter. */
  private resultSet = -1;

  readonly paramCount: number;

  constructor(private readonly cx: CodegenContext, params: number[], private readonly isPlan: boolean) {
    params.forEach((p, i) => {
      if (this.localMap.has(p)) throw wasmError("ir", `parameter local ${p} is listed twice`);
      this.localMap.set(p, i);
    });
    this.nextIndex = params.length;
    if (isPlan) this.resultSet = this.nextIndex++;
    this.paramCount = this.nextIndex;
  }

  /** The vars (non-parameter locals) the body needs: all i32. */
  vars(paramCount: number): number[] {
    return new Array<number>(this.nextIndex - paramCount).fill(i32);
  }

  genFunc(fn: ir.Func): Expr {
    const m = this.cx.mod;
    const body = fn.blocks.map((b) => this.genBlock(b));
    const slot = fn.memo ? this.cx.memo.slots.get(fn.name) : undefined;
    if (slot === undefined) return m.block(null, [...body, m.get(this.local(fn.result))], i32);
    const { table, epochGlobal, withDepthGlobal } = this.cx.memo;
    const entry = m.const(table + slot * 8);
    const outsideWith = m.eqz(m.getGlobal(withDepthGlobal));
    const result = this.local(fn.result);
    return m.block(null, [
      m.if(
        m.eq(m.load(entry), m.getGlobal(epochGlobal)),
        m.if(outsideWith, m.return(m.load(m.const(table + slot * 8), 4))),
      ),
      ...body,
      m.if(m.eqz(m.getGlobal(withDepthGlobal)), m.block(null, [
        m.store(m.const(table + slot * 8), m.getGlobal(epochGlobal)),
        m.store(m.const(table + slot * 8), m.get(result), 4),
      ])),
      m.get(result),
    ], i32);
  }

  private withDepth(delta: 1 | -1): Expr {
    const m = this.cx.mod;
    const g = this.cx.memo.withDepthGlobal;
    return m.setGlobal(g, delta === 1 ? m.add(m.getGlobal(g), m.const(1)) : m.sub(m.getGlobal(g), m.const(1)));
  }

  genPlan(plan: ir.Plan): Expr {
    const m = this.cx.mod;
    return m.block(null, plan.blocks.map((b) => this.genBlock(b)));
  }

  private local(l: number): number {
    if (!Number.isInteger(l) || l < 0 || l > 100_000) throw wasmError("ir", `invalid local ${String(l)}`);
    let idx = this.localMap.get(l);
    if (idx === undefined) {
      idx = this.nextIndex++;
      this.localMap.set(l, idx);
    }
    return idx;
  }

  private temp(): number {
    return this.nextIndex++;
  }

  /** An IR block; `tail` runs only when every statement succeeded. */
  private genBlock(block: ir.Block, tail: Expr[] = []): Expr {
    if (!block || !Array.isArray(block.stmts)) throw wasmError("ir", "a block without a statement list");
    const label = `b${this.labelCount++}`;
    this.frames.push({ kind: "block", label });
    const body = block.stmts.map((s) => this.genStmt(s));
    this.frames.pop();
    return this.cx.mod.block(label, [...body, ...tail]);
  }

  /** Leaves `index + 1` blocks, restoring every With crossed on the way. */
  private breakOut(index: number, loc?: ir.Loc): Expr {
    const m = this.cx.mod;
    const restores: Expr[] = [];
    let seen = 0;
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i];
      if (f.kind === "with") {
        restores.push(m.set(f.local, m.get(f.save)), this.withDepth(-1));
        continue;
      }
      if (seen === index) {
        if (restores.length === 0) return m.br(f.label);
        return m.block(null, [...restores, m.br(f.label)]);
      }
      seen++;
    }
    throw wasmError("ir", `Break index ${index} leaves more blocks than enclose it`, loc);
  }

  /** `br` out of the current block when `cond` is true (a failing statement). */
  private failIf(cond: Expr): Expr {
    const m = this.cx.mod;
    const out = this.breakOut(0);
    return m.if(cond, out);
  }

  private operand(op: ir.Operand, loc?: ir.Loc): Expr {
    const m = this.cx.mod;
    switch (op?.type) {
      case "local": return m.get(this.local(op.local));
      case "bool": return m.const(this.cx.data.boolValue(op.value));
      case "string": return m.const(this.cx.data.stringValue(this.constString(op.index, loc)));
    }
    throw wasmError("ir", `invalid operand ${JSON.stringify(op)}`, loc);
  }

  private constString(index: number, loc?: ir.Loc): string {
    const s = this.cx.strings[index];
    if (typeof s !== "string") throw wasmError("ir", `string constant ${index} does not exist`, loc);
    return s;
  }

  private helper(name: Helper, args: Expr[]): Expr {
    const h = this.cx.helpers[name];
    return this.cx.mod.call(h.name, args, h.returnsValue);
  }

  private abort(message: string): Expr {
    const m = this.cx.mod;
    return m.block(null, [this.helper("regent_abort", [m.const(this.cx.data.cString(message))]), m.unreachable()]);
  }

  private setAndCheck(target: number, value: Expr): Expr {
    const m = this.cx.mod;
    const t = this.local(target);
    return m.block(null, [m.set(t, value), this.failIf(m.eqz(m.get(t)))]);
  }

  private isTag(op: ir.Operand, tag: number, loc?: ir.Loc): Expr {
    const m = this.cx.mod;
    if (op.type !== "local") return this.failIf(m.const(1)); // constants are strings/booleans
    // Address 0 (undefined) holds a zero byte, which matches no tag.
    return this.failIf(m.ne(m.load8(this.operand(op, loc)), m.const(tag)));
  }

  private genStmt(s: ir.Stmt): Expr {
    if (!s || typeof s !== "object") throw wasmError("ir", `a statement must be an object, not ${JSON.stringify(s)}`);
    const m = this.cx.mod;
    const d = this.cx.data;
    switch (s.type) {
      case "Call": return this.genCall(s);
      case "Dot": return this.setAndCheck(s.target, this.helper("regent_dot", [this.operand(s.source, s.loc), this.operand(s.key, s.loc)]));
      case "Len": return this.setAndCheck(s.target, this.helper("regent_len", [this.operand(s.source, s.loc)]));
      case "Scan": return this.genScan(s);
      case "Not": {
        // Completing the body makes the Not fail; the body failing lets execution continue.
        const fail = this.breakOut(0, s.loc);
        const label = `b${this.labelCount++}`;
        this.frames.push({ kind: "block", label });
        const body = s.block.stmts.map((x) => this.genStmt(x));
        this.frames.pop();
        return m.block(label, [...body, fail]);
      }
      case "Block": return m.block(null, s.blocks.map((b) => this.genBlock(b)));
      case "Break": return this.breakOut(s.index, s.loc);
      case "AssignInt": return m.set(this.local(s.target), m.const(d.intValue(checkInt(s.value, s.loc))));
      case "AssignVar": return m.set(this.local(s.target), this.operand(s.source, s.loc));
      case "AssignVarOnce": {
        const t = this.local(s.target);
        const src = this.temp();
        const msg = s.message ?? "complete rules must not produce multiple outputs";
        return m.block(null, [
          m.set(src, this.operand(s.source, s.loc)),
          m.if(
            m.eqz(m.get(t)),
            m.set(t, m.get(src)),
            m.if(m.eqz(this.helper("regent_equal", [m.get(t), m.get(src)])), this.abort(runtimeMessage("eval_conflict_error", msg, s.loc))),
          ),
        ]);
      }
      case "ResetLocal": return m.set(this.local(s.target), m.const(0));
      case "MakeNull": return m.set(this.local(s.target), m.const(d.nullValue()));
      case "MakeNumberInt": return m.set(this.local(s.target), m.const(d.intValue(checkInt(s.value, s.loc))));
      case "MakeNumberRef": return m.set(this.local(s.target), m.const(d.numberRefValue(this.constString(s.index, s.loc))));
      case "MakeArray": return m.set(this.local(s.target), this.helper("regent_make_array", [m.const(Math.max(0, s.capacity | 0))]));
      case "MakeObject": return m.set(this.local(s.target), this.helper("regent_make_object", []));
      case "MakeSet": return m.set(this.local(s.target), this.helper("regent_make_set", []));
      case "Equal": return this.failIf(m.eqz(this.helper("regent_equal", [this.operand(s.a, s.loc), this.operand(s.b, s.loc)])));
      case "NotEqual": return this.failIf(m.eqz(this.helper("regent_not_equal", [this.operand(s.a, s.loc), this.operand(s.b, s.loc)])));
      case "IsArray": return this.isTag(s.source, TAG_ARRAY, s.loc);
      case "IsObject": return this.isTag(s.source, TAG_OBJECT, s.loc);
      case "IsSet": return this.isTag(s.source, TAG_SET, s.loc);
      case "IsDefined": return this.failIf(m.eqz(m.get(this.local(s.source))));
      case "IsUndefined": return this.failIf(m.get(this.local(s.source)));
      case "ArrayAppend": return this.helper("regent_array_append", [m.get(this.local(s.array)), this.operand(s.value, s.loc)]);
      case "ObjectInsert":
        return this.helper("regent_object_insert", [m.get(this.local(s.object)), this.operand(s.key, s.loc), this.operand(s.value, s.loc)]);
      case "ObjectInsertOnce": {
        const ok = this.helper("regent_object_insert_once", [m.get(this.local(s.object)), this.operand(s.key, s.loc), this.operand(s.value, s.loc)]);
        return m.if(m.eqz(ok), this.abort(runtimeMessage("eval_conflict_error", s.message ?? "object keys must be unique", s.loc)));
      }
      case "ObjectMerge":
        return this.setAndCheck(s.target, this.helper("regent_object_merge", [m.get(this.local(s.a)), m.get(this.local(s.b))]));
      case "SetAdd": return this.helper("regent_set_add", [m.get(this.local(s.set)), this.operand(s.value, s.loc)]);
      case "With": return this.genWith(s);
      case "ResultSetAdd": {
        if (!this.isPlan) throw wasmError("ir", "ResultSetAdd outside a plan", s.loc);
        return this.helper("regent_result_add", [m.get(this.resultSet), m.get(this.local(s.value))]);
      }
      case "ReturnLocal": return this.isPlan ? m.return() : m.return(m.get(this.local(s.source)));
      case "Error": return this.abort(runtimeMessage(s.code, s.message, s.loc));
      case "Nop": return m.nop();
      default: {
        const unknown = s as { type?: unknown; loc?: ir.Loc };
        throw wasmError("ir", `unknown statement type ${JSON.stringify(unknown.type)}`, unknown.loc);
      }
    }
  }

  private genCall(s: ir.CallStmt): Expr {
    const m = this.cx.mod;
    const args = s.args.map((a) => this.operand(a, s.loc));
    const planned = this.cx.funcs.get(s.func);
    if (planned) {
      if (planned.params !== args.length) {
        throw wasmError("ir", `function ${s.func} takes ${planned.params} argument(s), the call passes ${args.length}`, s.loc);
      }
      return this.setAndCheck(s.result, m.call(planned.wasmName, args, true));
    }
    const target = this.cx.router.route(s.func, args.length, s.loc);
    // Built-in errors carry the statement's location: natives put it into their abort
    // message, the loader attaches it to errors thrown by host built-ins.
    const setLoc = m.setGlobal(this.cx.locGlobal, m.const(s.loc ? this.cx.data.cString(`${s.loc.file}:${s.loc.row}:${s.loc.col}`) : 0));
    if (target.kind === "native") {
      return m.block(null, [setLoc, this.setAndCheck(s.result, m.call(target.fn.name, args, true))]);
    }
    let call = m.call(this.cx.hostImport(target.arity), [m.const(target.id), m.const(0), ...args], true);
    if (target.returnsSet) call = this.helper("regent_array_to_set", [call]);
    return m.block(null, [setLoc, this.setAndCheck(s.result, call)]);
  }

  private genScan(s: ir.ScanStmt): Expr {
    const m = this.cx.mod;
    // The source is copied: the body may reassign its local.
    const src = this.temp(), n = this.temp(), i = this.temp();
    const key = this.local(s.key), value = this.local(s.value);
    const exit = `s${this.labelCount++}`, loop = `l${this.labelCount++}`;
    const body = this.genBlock(s.block);
    return m.block(null, [
      m.set(src, m.get(this.local(s.source))),
      m.set(n, this.helper("regent_scan_len", [m.get(src)])),
      m.set(i, m.const(0)),
      m.block(exit, [
        m.loop(loop, m.block(null, [
          m.br(exit, m.geS(m.get(i), m.get(n))),
          m.set(key, this.helper("regent_scan_key", [m.get(src), m.get(i)])),
          m.set(value, this.helper("regent_scan_value", [m.get(src), m.get(i)])),
          body,
          m.set(i, m.add(m.get(i), m.const(1))),
          m.br(loop),
        ])),
      ]),
    ]);
  }

  private genWith(s: ir.WithStmt): Expr {
    const m = this.cx.mod;
    const d = this.cx.data;
    const local = this.local(s.local);
    const save = this.temp();
    const path = d.pointers(s.path.map((idx) => d.stringValue(this.constString(idx, s.loc))));
    const fail = this.breakOut(0, s.loc);
    const after = `w${this.labelCount++}`;
    const value = this.operand(s.value, s.loc);
    this.frames.push({ kind: "with", local, save });
    // Completing the body restores and leaves; failing it lands after the body: restore, fail.
    const body = this.genBlock(s.block, [m.set(local, m.get(save)), this.withDepth(-1), m.br(after)]);
    this.frames.pop();
    return m.block(after, [
      m.set(save, m.get(local)),
      m.set(local, this.helper("regent_upsert", [m.get(local), m.const(path), m.const(s.path.length), value])),
      this.withDepth(1),
      body,
      m.set(local, m.get(save)),
      this.withDepth(-1),
      fail,
    ]);
  }
}

function checkInt(v: number, loc?: ir.Loc): number {
  if (!Number.isSafeInteger(v)) throw wasmError("ir", `integer constant ${v} is not a safe integer`, loc);
  return v;
}

/** `<code>: <file>:<row>:<col>: <message>` as the loader parses it. */
export function runtimeMessage(code: string, message: string, loc?: ir.Loc): string {
  return loc ? `${code}: ${loc.file}:${loc.row}:${loc.col}: ${message}` : `${code}: ${message}`;
}
