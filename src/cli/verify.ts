/**
 * `regent verify <bundle>`: checks a bundle's signature and every file against it, and says
 * exactly what is wrong. Also holds the small helpers the bundle verbs share (key arguments,
 * result printing).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { RegentError } from "../errors.js";
import { readBundle } from "../bundle/fs.js";
import { verifyBundle, type VerifyReport } from "../bundle/verify.js";
import { bundleError } from "../bundle/errors.js";

/** What a verb produced; `register` prints it and sets the exit code, tests read it directly. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A key argument: inline PEM or JSON key text, or else the path of a key file, which must exist.
 * A path that does not exist is an error, never taken as key material itself.
 */
export function readKeyArgument(value: string, flag: string): string | Uint8Array {
  if (value === "") throw bundleError("key", `${flag} is empty`);
  const trimmed = value.trim();
  if (trimmed.startsWith("-----BEGIN ") || trimmed.startsWith("{")) return value;
  return readKeyFile(value, flag);
}

/** The bytes of a key or secret file, exactly as stored. */
export function readKeyFile(path: string, flag: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw bundleError("io", `${flag}: key file ${path} does not exist`);
    throw bundleError("io", `${flag}: cannot read ${path}: ${code ?? (err as Error).message}`);
  }
}

/** The verification material of `verify` and `inspect`: a public key, or an HMAC secret file, never both. */
export function verificationMaterial(options: { verificationKey?: string; verificationSecretFile?: string }): { key?: string | Uint8Array; secret?: Uint8Array } {
  if (options.verificationKey !== undefined && options.verificationSecretFile !== undefined) {
    throw bundleError("key", "give either --verification-key or --verification-secret-file, not both");
  }
  if (options.verificationSecretFile !== undefined) return { secret: readKeyFile(options.verificationSecretFile, "--verification-secret-file") };
  if (options.verificationKey !== undefined) return { key: readKeyArgument(options.verificationKey, "--verification-key") };
  return {};
}

/** Turns a thrown error into a result: RegentErrors are user errors (exit 1), anything else is a bug and keeps its stack. */
export function errorResult(err: unknown, format?: string): CliResult {
  if (err instanceof RegentError) {
    if (format === "json") return { code: 1, stdout: JSON.stringify({ error: err.toJSON() }, null, 2) + "\n", stderr: "" };
    return { code: 1, stdout: "", stderr: err.toString() + "\n" };
  }
  return { code: 1, stdout: "", stderr: `internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n` };
}

export function emit(result: CliResult): void {
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.code;
}

export function checkFormat(format: string | undefined): void {
  if (format !== undefined && format !== "json" && format !== "text" && format !== "pretty") {
    throw bundleError("usage", `--format must be text or json, not "${format}"`);
  }
}

export interface VerifyCliOptions {
  verificationKey?: string;
  verificationSecretFile?: string;
  keyId?: string;
  scope?: string;
  alg?: string;
  allowUnsigned?: boolean;
  format?: string;
}

export function formatReport(report: VerifyReport): string {
  const lines: string[] = [];
  if (report.ok) {
    lines.push(report.signed
      ? `OK: signature valid (${report.alg}${report.keyId ? `, key id ${report.keyId}` : ""}${report.scope ? `, scope ${report.scope}` : ""}), ${report.verified.length} files verified`
      : "OK: bundle is unsigned (accepted because of --allow-unsigned)");
  } else {
    lines.push("FAIL: bundle verification failed");
    for (const p of report.problems) lines.push(`  ${p}`);
  }
  return lines.join("\n") + "\n";
}

export async function runVerify(bundlePath: string, options: VerifyCliOptions): Promise<CliResult> {
  try {
    checkFormat(options.format);
    const material = verificationMaterial(options);
    if (material.key === undefined && material.secret === undefined) throw bundleError("key", "--verification-key (a public key) or --verification-secret-file (an HMAC secret) is required");
    const bundle = await readBundle(bundlePath);
    const report = await verifyBundle(bundle, { ...material, keyId: options.keyId, scope: options.scope, alg: options.alg, allowUnsigned: options.allowUnsigned });
    const stdout = options.format === "json" ? JSON.stringify({ bundle: bundlePath, ...report }, null, 2) + "\n" : formatReport(report);
    return { code: report.ok ? 0 : 1, stdout, stderr: "" };
  } catch (err) {
    return errorResult(err, options.format);
  }
}

export function register(program: Command): void {
  program
    .command("verify")
    .description("verify a bundle's signature and that every file matches it")
    .argument("<bundle>", "bundle .tar.gz or folder")
    .option("--verification-key <file>", "public key file: PEM, DER, JWK or JWKS (or inline PEM/JWK text)")
    .option("--verification-secret-file <file>", "file holding the HMAC secret (HS256/384/512), used byte for byte")
    .option("--key-id <id>", "key id to verify with (overrides the signature's kid)")
    .option("--scope <scope>", "scope the signature must carry")
    .option("--signing-alg <alg>", "require this signing algorithm")
    .option("--allow-unsigned", "accept a bundle without .signatures.json")
    .option("--format <format>", "text or json", "text")
    .action(async (bundle: string, opts: VerifyCliOptions & { signingAlg?: string }) => {
      emit(await runVerify(bundle, { ...opts, alg: opts.signingAlg }));
    });
}
