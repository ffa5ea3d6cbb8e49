/**
 * Builds small real wasm modules with binaryen for tests: one that answers OPA's
 * `builtins()` / `entrypoints()` / `opa_json_dump` ABI calls from static JSON.
 */
import binaryen from "binaryen";

export function abiModule(builtins: Record<string, number>, entrypoints: Record<string, number>): Uint8Array {
  const m = new binaryen.Module();
  const enc = new TextEncoder();
  m.setMemory(2, 65536, null, [
    { offset: m.i32.const(1024), data: enc.encode(JSON.stringify(builtins) + "\0"), passive: false },
    { offset: m.i32.const(8192), data: enc.encode(JSON.stringify(entrypoints) + "\0"), passive: false },
  ], false, false, "0");
  // Declared after setMemory, which would otherwise replace the import with a defined memory.
  m.addMemoryImport("0", "env", "memory");
  // Value "addresses" 1 and 2 stand for the two documents; opa_json_dump maps them to the strings.
  m.addFunction("builtins", binaryen.none, binaryen.i32, [], m.i32.const(1));
  m.addFunction("entrypoints", binaryen.none, binaryen.i32, [], m.i32.const(2));
  m.addFunction("dump", binaryen.i32, binaryen.i32, [], m.select(m.i32.eq(m.local.get(0, binaryen.i32), m.i32.const(1)), m.i32.const(1024), m.i32.const(8192)));
  m.addFunctionExport("builtins", "builtins");
  m.addFunctionExport("entrypoints", "entrypoints");
  m.addFunctionExport("dump", "opa_json_dump");
  m.addGlobal("abi", binaryen.i32, false, m.i32.const(1));
  m.addGlobal("abi_minor", binaryen.i32, false, m.i32.const(3));
  m.addGlobalExport("abi", "opa_wasm_abi_version");
  m.addGlobalExport("abi_minor", "opa_wasm_abi_minor_version");
  if (!m.validate()) throw new Error("test module does not validate");
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}
