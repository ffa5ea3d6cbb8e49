/**
 * `regent inspect <bundle>`: shows what a bundle holds: manifest, revision, roots,
 * entrypoints, files with sizes, the host built-ins its wasm needs, and its signature status
 * (verified when a key is given).
 */
import type { Command } from "commander";
import { readBundle } from "../bundle/fs.js";
import { verifyBundle, type VerifyReport } from "../bundle/verify.js";
import { effectiveRoots } from "../bundle/manifest.js";
import { wasmInfo } from "../bundle/wasm-info.js";
import type { Bundle } from "../bundle/bundle.js";
import { checkFormat, emit, errorResult, verificationMaterial, type CliResult } from "./verify.js";

export interface InspectCliOptions {
  verificationKey?: string;
  verificationSecretFile?: string;
  keyId?: string;
  scope?: string;
  format?: string;
}

export interface InspectSummary {
  revision: string;
  roots: string[];
  manifest: Bundle["manifest"];
  entrypoints: { entrypoint: string; module: string }[];
  files: { path: string; size: number }[];
  wasm: { module: string; builtins: string[]; entrypoints: string[]; abi?: string }[];
  /** Host built-ins any wasm module needs, deduplicated. */
  builtins: string[];
  modules: string[];
  signature: { status: "unsigned" | "signed" | "verified" | "invalid"; report?: VerifyReport };
}

export async function inspectBundle(bundle: Bundle, report?: VerifyReport): Promise<InspectSummary> {
  const wasm: InspectSummary["wasm"] = [];
  const modulePaths = [...new Set(bundle.wasm.map((w) => w.module)), ...[...bundle.files.keys()].filter((p) => p.endsWith(".wasm") && !bundle.wasm.some((w) => w.module === p))];
  for (const module of modulePaths) {
    const info = await wasmInfo(module, bundle.files.get(module)!);
    wasm.push({
      module,
      builtins: info.builtins,
      entrypoints: Object.keys(info.entrypoints).sort(),
      abi: info.abiVersion !== undefined ? `${info.abiVersion}.${info.abiMinorVersion ?? 0}` : undefined,
    });
  }
  const status: InspectSummary["signature"]["status"] = !bundle.signatures ? "unsigned" : !report ? "signed" : report.ok ? "verified" : "invalid";
  return {
    revision: bundle.manifest.revision ?? "",
    roots: effectiveRoots(bundle.manifest),
    manifest: bundle.manifest,
    entrypoints: bundle.wasm.map((w) => ({ entrypoint: w.entrypoint, module: w.module })),
    files: [...bundle.files.entries()].map(([path, b]) => ({ path, size: b.length })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    wasm,
    builtins: [...new Set(wasm.flatMap((w) => w.builtins))].sort(),
    modules: bundle.modules.map((m) => m.path),
    signature: report ? { status, report } : { status },
  };
}

export function formatSummary(s: InspectSummary): string {
  const out: string[] = [];
  out.push(`revision:    ${s.revision || "(none)"}`);
  out.push(`roots:       ${s.roots.map((r) => (r === "" ? '"" (all of data)' : r)).join(", ")}`);
  out.push(s.entrypoints.length ? "entrypoints:" : "entrypoints: (none)");
  for (const e of s.entrypoints) out.push(`  ${e.entrypoint}  (${e.module})`);
  out.push(`host built-ins: ${s.builtins.length ? s.builtins.join(", ") : "(none)"}`);
  if (s.manifest.metadata) out.push(`metadata:    ${JSON.stringify(s.manifest.metadata)}`);
  const width = Math.max(...s.files.map((f) => String(f.size).length), 4);
  out.push(`files (${s.files.length}):`);
  for (const f of s.files) out.push(`  ${String(f.size).padStart(width)}  ${f.path}`);
  const sig = s.signature;
  if (sig.status === "unsigned") out.push("signature:   unsigned");
  else if (sig.status === "signed") out.push("signature:   signed (not verified: pass --verification-key)");
  else if (sig.status === "verified") out.push(`signature:   verified (${sig.report!.alg}${sig.report!.keyId ? `, key id ${sig.report!.keyId}` : ""})`);
  else {
    out.push("signature:   INVALID");
    for (const p of sig.report!.problems) out.push(`  ${p}`);
  }
  return out.join("\n") + "\n";
}

export async function runInspect(bundlePath: string, options: InspectCliOptions): Promise<CliResult> {
  try {
    checkFormat(options.format);
    const bundle = await readBundle(bundlePath);
    let report: VerifyReport | undefined;
    const material = verificationMaterial(options);
    if (material.key !== undefined || material.secret !== undefined) {
      report = await verifyBundle(bundle, { ...material, keyId: options.keyId, scope: options.scope });
    }
    const summary = await inspectBundle(bundle, report);
    const stdout = options.format === "json" ? JSON.stringify(summary, null, 2) + "\n" : formatSummary(summary);
    return { code: report && !report.ok && bundle.signatures ? 1 : 0, stdout, stderr: "" };
  } catch (err) {
    return errorResult(err, options.format);
  }
}

export function register(program: Command): void {
  program
    .command("inspect")
    .description("show a bundle's manifest, entrypoints, files, required built-ins and signature status")
    .argument("<bundle>", "bundle .tar.gz or folder")
    .option("--verification-key <file>", "check the signature with this public key (PEM, DER, JWK or JWKS)")
    .option("--verification-secret-file <file>", "check the signature with the HMAC secret in this file")
    .option("--key-id <id>", "key id to verify with")
    .option("--scope <scope>", "scope the signature must carry")
    .option("--format <format>", "text or json", "text")
    .action(async (bundle: string, opts: InspectCliOptions) => {
      emit(await runInspect(bundle, opts));
    });
}
