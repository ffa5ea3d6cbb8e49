/**
 * The wasm backend: links an IR policy into the prebuilt runtime and returns an OPA Wasm ABI
 * 1.2 module. Funcs and plans become wasm functions, the `regent.plan` hook import becomes the
 * entrypoint dispatcher, constants become one data segment after the runtime's own data.
 */
import type * as ir from "../ir/ir.js";
import { LinkModule, type Expr, type RuntimeFunction } from "./module.js";
import { DataLayout } from "./data.js";
import { CallRouter, type BuiltinTable } from "./calls.js";
import { FunctionGen, HELPERS, runtimeMessage, type CodegenContext, type Helper, type MemoLayout } from "./codegen.js";
import { readRuntime } from "./runtime.js";
import { wasmError } from "./errors.js";

export type { BuiltinTable } from "./calls.js";
export { WASM_ERRORS } from "./errors.js";

export interface GenerateOptions {
  builtins: BuiltinTable;
  /** The runtime binary; defaults to build/runtime.wasm. */
  runtime?: Uint8Array;
}

/** What the module exports once linked; every other runtime export is removed. */
const ABI_EXPORTS = new Set([
  "opa_wasm_abi_version", "opa_wasm_abi_minor_version", "opa_malloc", "opa_free", "opa_json_parse",
  "opa_json_dump", "opa_value_parse", "opa_value_dump", "opa_heap_ptr_get", "opa_heap_ptr_set",
  "opa_eval_ctx_new", "opa_eval_ctx_set_input", "opa_eval_ctx_set_data", "opa_eval_ctx_set_entrypoint",
  "opa_eval_ctx_get_result", "eval", "opa_eval", "entrypoints", "builtins",
  // Not ABI, read/set by src/evaluator: the location of the last built-in call (for host
  // built-in errors) and the switch for OPA's strict built-in errors in natives.
  "regent_loc", "regent_strict_builtin_errors",
]);

/** The SDK's memory starts with 5 pages; the module may not demand more. */
const MAX_INITIAL_PAGES = 5;

export async function generateModule(policy: ir.Policy, options: GenerateOptions): Promise<Uint8Array<ArrayBuffer>> {
  checkPolicyShape(policy);
  const mod = new LinkModule(options.runtime ?? readRuntime());
  try {
    return link(mod, policy, options.builtins ?? {});
  } finally {
    mod.dispose();
  }
}

function link(mod: LinkModule, policy: ir.Policy, table: BuiltinTable): Uint8Array<ArrayBuffer> {
  const exported = mod.exportedFunctions();
  const need = (name: string): RuntimeFunction => {
    const fn = exported.get(name);
    if (!fn) throw wasmError("runtime", `the wasm runtime does not export ${name}: rebuild it (npm run build:runtime)`);
    return fn;
  };
  const helpers = Object.fromEntries(HELPERS.map((h) => [h, need(h)])) as Record<Helper, RuntimeFunction>;
  const jsonParse = need("opa_json_parse");
  const locGlobal = mod.exportedGlobal("regent_loc");
  const heapGlobal = mod.exportedGlobal("regent_heap_ptr");
  const planHook = mod.importedFunction("regent", "plan");
  if (!locGlobal || !heapGlobal || !planHook) {
    throw wasmError("runtime", "the wasm runtime lacks regent_loc, regent_heap_ptr or the regent.plan hook: rebuild it");
  }

  const natives = new Map([...exported].filter(([name]) => name.startsWith("builtin_")));
  const router = new CallRouter(natives, table);
  const data = new DataLayout(mod.dataEnd());
  const funcs = new Map<string, { wasmName: string; params: number }>();
  policy.funcs.forEach((fn, i) => {
    if (funcs.has(fn.name)) throw wasmError("ir", `function ${fn.name} is defined twice`);
    funcs.set(fn.name, { wasmName: `regent$f${i}$${fn.name}`, params: fn.params.length });
  });
  const hostImports = new Map<number, string>();
  const memoFuncs = policy.funcs.filter((f) => f.memo);
  const memo: MemoLayout = {
    table: memoFuncs.length > 0 ? data.zeroed(memoFuncs.length * 2) : 0,
    slots: new Map(memoFuncs.map((f, i) => [f.name, i])),
    epochGlobal: "regent$epoch",
    withDepthGlobal: "regent$with_depth",
  };
  mod.addGlobal(memo.epochGlobal, 0);
  mod.addGlobal(memo.withDepthGlobal, 0);
  const cx: CodegenContext = {
    mod, data, strings: policy.strings, helpers, locGlobal, router, funcs, memo,
    hostImport(arity: number): string {
      let name = hostImports.get(arity);
      if (!name) {
        name = `regent$opa_builtin${arity}`;
        mod.addImport(name, "env", `opa_builtin${arity}`, arity + 2, true);
        hostImports.set(arity, name);
      }
      return name;
    },
  };

  for (const fn of policy.funcs) {
    if (fn.params.length < 2) throw wasmError("ir", `function ${fn.name} must take input and data as its first two parameters`);
    const gen = new FunctionGen(cx, fn.params, false);
    const body = gen.genFunc(fn);
    mod.addFunction(funcs.get(fn.name)!.wasmName, gen.paramCount, true, gen.vars(gen.paramCount), body);
  }

  const entrypoints: Record<string, number> = {};
  const planNames: string[] = [];
  policy.plans.forEach((plan, i) => {
    if (Object.prototype.hasOwnProperty.call(entrypoints, plan.name)) throw wasmError("ir", `entrypoint ${plan.name} is planned twice`);
    entrypoints[plan.name] = i;
    const gen = new FunctionGen(cx, [0, 1], true);
    const body = gen.genPlan(plan);
    const name = `regent$p${i}`;
    mod.addFunction(name, gen.paramCount, false, gen.vars(gen.paramCount), body);
    planNames.push(name);
  });

  // regent.plan(entrypoint, input, data, resultSet): dispatch to the plan.
  const dispatch: Expr[] = planNames.map((name, i) =>
    mod.if(mod.eq(mod.get(0), mod.const(i)), mod.block(null, [mod.call(name, [mod.get(1), mod.get(2), mod.get(3)], false), mod.return()])),
  );
  // Each evaluation starts a new memo epoch (clearing the table when the counter wraps) and
  // outside any With block, even if the previous evaluation aborted inside one.
  const epoch = mod.add(mod.getGlobal(memo.epochGlobal), mod.const(1));
  const resetMemo: Expr[] = [
    mod.setGlobal(memo.withDepthGlobal, mod.const(0)),
    mod.setGlobal(memo.epochGlobal, epoch),
  ];
  if (memoFuncs.length > 0) {
    resetMemo.push(
      mod.if(mod.eqz(mod.getGlobal(memo.epochGlobal)), mod.block(null, [
        mod.memoryFill(mod.const(memo.table), mod.const(0), mod.const(memoFuncs.length * 8)),
        mod.setGlobal(memo.epochGlobal, mod.const(1)),
      ])),
    );
  }
  dispatch.unshift(...resetMemo);
  dispatch.push(
    mod.call(helpers.regent_abort.name, [mod.const(data.cString(runtimeMessage("evaluator_entrypoint_error", "unknown entrypoint id")))], false),
  );
  mod.replaceFunction(planHook, 4, false, [], mod.block(null, dispatch));

  addJsonExport(mod, data, jsonParse, "entrypoints", JSON.stringify(entrypoints));
  addJsonExport(mod, data, jsonParse, "builtins", JSON.stringify(router.hostTable()));

  const heapBase = data.end;
  const pages = Math.max(1, Math.ceil(heapBase / 65536));
  if (pages > MAX_INITIAL_PAGES) {
    throw wasmError("ir", `the policy's constants need ${pages} memory pages; the OPA SDK provides ${MAX_INITIAL_PAGES}`);
  }
  mod.patchGlobal(heapGlobal, heapBase);
  mod.addData(data.base, data.data, pages);

  for (const name of mod.exportNames()) if (!ABI_EXPORTS.has(name)) mod.removeExport(name);
  mod.pruneUnused();
  const bytes = mod.emit();
  // V8's validator is native and fast even in a fresh process; binaryen's (slow to warm up)
  // only runs to explain a failure.
  if (!WebAssembly.validate(bytes)) {
    mod.validate();
    throw wasmError("runtime", "the linked module does not validate (binaryen printed the reasons to stderr)");
  }
  return bytes;
}

function addJsonExport(mod: LinkModule, data: DataLayout, jsonParse: RuntimeFunction, name: string, json: string): void {
  const { addr, len } = data.text(json);
  const internal = `regent$${name}`;
  mod.addFunction(internal, 0, true, [], mod.call(jsonParse.name, [mod.const(addr), mod.const(len)], true));
  mod.exportFunction(internal, name);
}

/** Malformed IR is a clear error, not a crash deep inside code generation. */
function checkPolicyShape(policy: ir.Policy): void {
  if (!policy || !Array.isArray(policy.strings) || !Array.isArray(policy.funcs) || !Array.isArray(policy.plans)) {
    throw wasmError("ir", "the policy must have strings, funcs and plans arrays");
  }
  if (policy.plans.length === 0) throw wasmError("ir", "the policy has no plans (entrypoints)");
  for (const fn of policy.funcs) {
    if (!fn || typeof fn.name !== "string" || !Array.isArray(fn.params) || !Array.isArray(fn.blocks)) {
      throw wasmError("ir", `function ${JSON.stringify(fn?.name)} must have a name, params and blocks`);
    }
  }
  for (const plan of policy.plans) {
    if (!plan || typeof plan.name !== "string" || !Array.isArray(plan.blocks)) {
      throw wasmError("ir", `plan ${JSON.stringify(plan?.name)} must have a name and blocks`);
    }
  }
}
