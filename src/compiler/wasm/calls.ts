/**
 * Decides, for each `Call` that is not a planned function, how it is served: a native runtime
 * function (exported as `builtin_<name with . → _>`) or a host built-in reached through
 * `opa_builtinN(id, ctx, args…)`; host ids are assigned in first-use order for `builtins()`.
 */
import type { RuntimeFunction } from "./module.js";
import type { Loc } from "../ir/ir.js";
import { wasmError } from "./errors.js";

/** The part of src/builtins/decls.ts the backend needs. */
export interface BuiltinDeclLike {
  name: string;
  arity: number;
  impl: string;
  returns?: string;
}
export type BuiltinTable = Record<string, BuiltinDeclLike>;

export type CallTarget =
  | { kind: "native"; fn: RuntimeFunction }
  | { kind: "host"; id: number; arity: number; returnsSet: boolean };

export function nativeExportName(regoName: string): string {
  return `builtin_${regoName.replace(/\./g, "_")}`;
}

export class CallRouter {
  private readonly hostIds = new Map<string, number>();
  private readonly arities = new Set<number>();

  constructor(
    private readonly natives: Map<string, RuntimeFunction>,
    private readonly table: BuiltinTable,
  ) {}

  route(name: string, argc: number, loc?: Loc): CallTarget {
    const native = this.natives.get(nativeExportName(name));
    const decl = Object.prototype.hasOwnProperty.call(this.table, name) ? this.table[name] : undefined;
    if (native) {
      if (native.params !== argc) {
        throw wasmError("ir", `built-in ${name} takes ${native.params} argument(s), the call passes ${argc}`, loc);
      }
      return { kind: "native", fn: native };
    }
    if (!decl) throw wasmError("builtin", `undefined built-in function ${name}`, loc);
    if (decl.impl === "native") {
      throw wasmError("builtin", `built-in function ${name} is declared native but the wasm runtime does not provide it`, loc);
    }
    if (decl.impl !== "host") {
      throw wasmError("builtin", `built-in function ${name} is not supported by regent's wasm target`, loc);
    }
    if (argc > 4) {
      throw wasmError("builtin", `built-in function ${name} takes ${argc} arguments; host built-ins take at most 4 (OPA's ABI)`, loc);
    }
    let id = this.hostIds.get(name);
    if (id === undefined) {
      id = this.hostIds.size;
      this.hostIds.set(name, id);
    }
    this.arities.add(argc);
    return { kind: "host", id, arity: argc, returnsSet: decl.returns === "set" };
  }

  /** `{name: id}` for the module's `builtins()` export. */
  hostTable(): Record<string, number> {
    return Object.fromEntries(this.hostIds);
  }

  /** The N of every `opa_builtinN` import the calls need. */
  hostArities(): number[] {
    return [...this.arities].sort();
  }
}
