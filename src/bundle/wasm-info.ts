/**
 * Reads what a policy.wasm declares through OPA's Wasm ABI: the host built-ins it needs
 * (`builtins()`) and its entrypoints (`entrypoints()`). The module is instantiated with inert
 * imports; nothing is evaluated, and any built-in call or abort fails instead of running.
 */
import { bundleError } from "./errors.js";

export interface WasmInfo {
  /** Built-in names the host must provide, sorted. */
  builtins: string[];
  /** Entrypoint names to ids. */
  entrypoints: Record<string, number>;
  abiVersion?: number;
  abiMinorVersion?: number;
}

function readLeb(bytes: Uint8Array, pos: { i: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos.i >= bytes.length) throw new Error("truncated LEB128");
    const b = bytes[pos.i++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return result;
    shift += 7;
    if (shift > 35) throw new Error("LEB128 too long");
  }
}

/** The limits of an imported memory, read from the import section (null when none is imported). */
export function importedMemoryLimits(bytes: Uint8Array): { min: number; max?: number } | null {
  const pos = { i: 8 };
  while (pos.i < bytes.length) {
    const id = bytes[pos.i++];
    const size = readLeb(bytes, pos);
    const end = pos.i + size;
    if (id === 2) {
      const count = readLeb(bytes, pos);
      for (let n = 0; n < count; n++) {
        for (let s = 0; s < 2; s++) {
          const len = readLeb(bytes, pos); // module and field names
          pos.i += len;
        }
        const kind = bytes[pos.i++];
        if (kind === 0) readLeb(bytes, pos); // function type index
        else if (kind === 1) { pos.i++; const flags = readLeb(bytes, pos); readLeb(bytes, pos); if (flags & 1) readLeb(bytes, pos); }
        else if (kind === 2) {
          const flags = readLeb(bytes, pos);
          const min = readLeb(bytes, pos);
          return flags & 1 ? { min, max: readLeb(bytes, pos) } : { min };
        }
        else if (kind === 3) pos.i += 2; // global type and mutability
        else throw new Error(`unknown import kind ${kind}`);
      }
      return null;
    }
    pos.i = end;
  }
  return null;
}

function readCString(memory: WebAssembly.Memory, addr: number): string {
  const view = new Uint8Array(memory.buffer);
  let end = addr;
  while (end < view.length && view[end] !== 0) end++;
  return new TextDecoder().decode(view.subarray(addr, end));
}

/** Instantiates the module with inert imports and reads its ABI declarations. */
export async function wasmInfo(path: string, bytes: Uint8Array): Promise<WasmInfo> {
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (err) {
    throw bundleError("format", `${path}: not a valid WebAssembly module: ${(err as Error).message}`);
  }
  const exportNames = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  if (!exportNames.has("builtins") || !exportNames.has("opa_json_dump")) {
    return { builtins: [], entrypoints: {} };
  }
  let memory: WebAssembly.Memory | undefined;
  const imports: WebAssembly.Imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = (imports[imp.module] ??= {}) as Record<string, unknown>;
    if (imp.kind === "memory") {
      // Like the SDK: at least 5 pages, but within what the module declares.
      let limits: { min: number; max?: number } | null = null;
      try {
        limits = importedMemoryLimits(bytes);
      } catch {
        // A malformed import section makes instantiation fail below with the engine's message.
      }
      const initial = Math.min(Math.max(limits?.min ?? 0, 5), limits?.max ?? Infinity);
      memory = new WebAssembly.Memory(limits?.max !== undefined ? { initial, maximum: limits.max } : { initial });
      ns[imp.name] = memory;
    } else if (imp.kind === "function") {
      ns[imp.name] = () => {
        throw new Error(`${imp.module}.${imp.name} called while reading module metadata`);
      };
    } else {
      throw bundleError("format", `${path}: imports a ${imp.kind} (${imp.module}.${imp.name}), which OPA's Wasm ABI does not define`);
    }
  }
  try {
    const instance = await WebAssembly.instantiate(module, imports);
    const ex = instance.exports as Record<string, unknown>;
    const mem = (memory ?? ex.memory) as WebAssembly.Memory | undefined;
    if (!mem) throw new Error("the module has no memory");
    const dump = (fn: string): unknown => JSON.parse(readCString(mem, (ex.opa_json_dump as (a: number) => number)((ex[fn] as () => number)())));
    const builtins = Object.keys(dump("builtins") as Record<string, number>).sort();
    const entrypoints = exportNames.has("entrypoints") ? (dump("entrypoints") as Record<string, number>) : {};
    const global = (name: string): number | undefined => {
      const g = ex[name];
      return g instanceof WebAssembly.Global ? Number(g.value) : undefined;
    };
    return { builtins, entrypoints, abiVersion: global("opa_wasm_abi_version"), abiMinorVersion: global("opa_wasm_abi_minor_version") };
  } catch (err) {
    if (err instanceof Error && err.name === "RegentError") throw err;
    throw bundleError("format", `${path}: cannot read the module's built-ins and entrypoints: ${(err as Error).message}`);
  }
}
