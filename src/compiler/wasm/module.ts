/**
 * The only file that talks to binaryen: reads the prebuilt runtime, looks up its exported
 * helpers, offers the handful of expression builders the code generator needs, and performs
 * the link edits (replace an import, add data, patch the heap base, prune exports, emit).
 */
import binaryen from "binaryen";

export type Expr = number;
export type WasmType = number;

export const i32: WasmType = binaryen.i32;
export const i64: WasmType = binaryen.i64;
export const none: WasmType = binaryen.none;

/** Features the asc output uses; never `All` (Node 20 rejects its import encoding). */
const FEATURES =
  binaryen.Features.MVP |
  binaryen.Features.MutableGlobals |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.SignExt;

/** Segment functions the JS build has but the .d.ts does not declare (and vice versa). */
interface SegmentApi {
  getNumDataSegments(): number;
  getDataSegmentByIndex(i: number): number;
  getDataSegmentInfo(ref: number): { offset: number; data: ArrayBuffer; passive: boolean };
}

const MEMORY = "mimport$0";

export interface RuntimeFunction {
  /** Internal (binaryen) name. */
  name: string;
  params: number;
  returnsValue: boolean;
}

export class LinkModule {
  private readonly m: binaryen.Module;

  constructor(runtime: Uint8Array) {
    this.m = binaryen.readBinary(runtime);
    this.m.setFeatures(FEATURES);
  }

  /** The exported runtime functions by export name. */
  exportedFunctions(): Map<string, RuntimeFunction> {
    const out = new Map<string, RuntimeFunction>();
    for (let i = 0; i < this.m.getNumExports(); i++) {
      const info = binaryen.getExportInfo(this.m.getExportByIndex(i));
      if (info.kind !== binaryen.ExternalFunction) continue;
      const fn = binaryen.getFunctionInfo(this.m.getFunction(info.value));
      out.set(info.name, {
        name: info.value,
        params: binaryen.expandType(fn.params).length,
        returnsValue: fn.results !== binaryen.none,
      });
    }
    return out;
  }

  exportNames(): string[] {
    const names: string[] = [];
    for (let i = 0; i < this.m.getNumExports(); i++) names.push(binaryen.getExportInfo(this.m.getExportByIndex(i)).name);
    return names;
  }

  /** Internal name of an exported global, or undefined. */
  exportedGlobal(exportName: string): string | undefined {
    for (let i = 0; i < this.m.getNumExports(); i++) {
      const info = binaryen.getExportInfo(this.m.getExportByIndex(i));
      if (info.name === exportName && info.kind === binaryen.ExternalGlobal) return info.value;
    }
    return undefined;
  }

  /** Internal name of the imported function `module.base`, or undefined. */
  importedFunction(module: string, base: string): string | undefined {
    for (let i = 0; i < this.m.getNumFunctions(); i++) {
      const fn = binaryen.getFunctionInfo(this.m.getFunctionByIndex(i));
      if (fn.module === module && fn.base === base) return fn.name;
    }
    return undefined;
  }

  addImport(name: string, module: string, base: string, params: number, returnsValue: boolean): void {
    this.m.addFunctionImport(name, module, base, this.types(params), returnsValue ? i32 : none);
  }

  /** Replaces a function (typically a hook import) with a generated body of the same name. */
  replaceFunction(name: string, params: number, returnsValue: boolean, vars: WasmType[], body: Expr): void {
    this.m.removeFunction(name);
    this.addFunction(name, params, returnsValue, vars, body);
  }

  addFunction(name: string, params: number, returnsValue: boolean, vars: WasmType[], body: Expr): void {
    this.m.addFunction(name, this.types(params), returnsValue ? i32 : none, vars, body);
  }

  exportFunction(name: string, exportName: string): void {
    this.m.addFunctionExport(name, exportName);
  }

  removeExport(name: string): void {
    this.m.removeExport(name);
  }

  /** End (exclusive) of the runtime's active data segments. */
  dataEnd(): number {
    let end = 0;
    const seg = this.m as unknown as SegmentApi;
    for (let i = 0; i < seg.getNumDataSegments(); i++) {
      const info = seg.getDataSegmentInfo(seg.getDataSegmentByIndex(i));
      end = Math.max(end, info.offset + info.data.byteLength);
    }
    return end;
  }

  /**
   * Appends a data segment. binaryen has no "add segment": the memory is set again with all
   * segments (offsets as expressions), which drops its import, so the import is re-added.
   */
  addData(offset: number, bytes: Uint8Array, initialPages: number): void {
    const segments: { offset: Expr; data: Uint8Array; passive: boolean }[] = [];
    const seg = this.m as unknown as SegmentApi;
    for (let i = 0; i < seg.getNumDataSegments(); i++) {
      const info = seg.getDataSegmentInfo(seg.getDataSegmentByIndex(i));
      segments.push({ offset: this.m.i32.const(info.offset), data: new Uint8Array(info.data), passive: false });
    }
    if (bytes.length > 0) segments.push({ offset: this.m.i32.const(offset), data: bytes, passive: false });
    if (this.exportNames().includes("memory")) this.m.removeExport("memory");
    // Instructions refer to the memory by name; binaryen names an imported memory `mimport$0`.
    this.m.setMemory(initialPages, -1, null, segments, false, false, MEMORY);
    this.m.addMemoryImport(MEMORY, "env", "memory");
  }

  /** Re-creates a mutable i32 global with a new initial value (the heap base). */
  patchGlobal(name: string, value: number): void {
    this.m.removeGlobal(name);
    this.m.addGlobal(name, i32, true, this.m.i32.const(value));
  }

  validate(): boolean {
    return this.m.validate() !== 0;
  }

  /** Drops functions and globals nothing reaches any more (unused natives). */
  pruneUnused(): void {
    this.m.runPasses(["remove-unused-module-elements"]);
  }

  /** The binary, on its own ArrayBuffer (so it is a BufferSource for WebAssembly.*). */
  emit(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.m.emitBinary());
  }

  dispose(): void {
    this.m.dispose();
  }

  private types(n: number): WasmType {
    return n === 0 ? none : binaryen.createType(new Array<WasmType>(n).fill(i32));
  }

  // --- expression builders -------------------------------------------------------------------

  const(n: number): Expr { return this.m.i32.const(n | 0); }
  const64(n: number): Expr {
    const big = BigInt.asUintN(64, BigInt(n));
    return this.m.i64.const(Number(big & 0xffffffffn) | 0, Number(big >> 32n) | 0);
  }
  get(index: number): Expr { return this.m.local.get(index, i32); }
  set(index: number, value: Expr): Expr { return this.m.local.set(index, value); }
  setGlobal(name: string, value: Expr): Expr { return this.m.global.set(name, value); }
  call(name: string, args: Expr[], returnsValue: boolean): Expr { return this.m.call(name, args, returnsValue ? i32 : none); }
  block(label: string | null, body: Expr[], type: WasmType = none): Expr { return this.m.block(label, body, type); }
  loop(label: string, body: Expr): Expr { return this.m.loop(label, body); }
  br(label: string, condition?: Expr): Expr { return this.m.br(label, condition); }
  if(condition: Expr, then: Expr, otherwise?: Expr): Expr { return this.m.if(condition, then, otherwise); }
  return(value?: Expr): Expr { return this.m.return(value); }
  unreachable(): Expr { return this.m.unreachable(); }
  nop(): Expr { return this.m.nop(); }
  drop(e: Expr): Expr { return this.m.drop(e); }
  eqz(e: Expr): Expr { return this.m.i32.eqz(e); }
  eq(a: Expr, b: Expr): Expr { return this.m.i32.eq(a, b); }
  ne(a: Expr, b: Expr): Expr { return this.m.i32.ne(a, b); }
  geS(a: Expr, b: Expr): Expr { return this.m.i32.ge_s(a, b); }
  add(a: Expr, b: Expr): Expr { return this.m.i32.add(a, b); }
  load8(addr: Expr): Expr { return this.m.i32.load8_u(0, 1, addr); }
  load(addr: Expr, offset = 0): Expr { return this.m.i32.load(offset, 4, addr); }
  store(addr: Expr, value: Expr, offset = 0): Expr { return this.m.i32.store(offset, 4, addr, value); }
  sub(a: Expr, b: Expr): Expr { return this.m.i32.sub(a, b); }
  getGlobal(name: string): Expr { return this.m.global.get(name, i32); }
  memoryFill(dest: Expr, value: Expr, size: Expr): Expr { return this.m.memory.fill(dest, value, size); }
  /** A new mutable i32 global, internal to the module. */
  addGlobal(name: string, init: number): void {
    this.m.addGlobal(name, i32, true, this.m.i32.const(init));
  }
}
