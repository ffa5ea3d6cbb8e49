/**
 * `regent verify <bundle>`: checks a bundle's signature and every file against it, and says
 * exactly what is wrong. Also holds the small helpers the bundle verbs share (key arguments,
 * result printing).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
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

/** A key argument is a path to a key file when such a file exists, otherwise the key itself (an HMAC secret). */
export function readKeyArgument(value: string, flag: string): string {
  if (value === "") throw bundleError("key", `${flag} is empty`);
  if (existsSync(value) && statSync(value).isFile()) {
    try {
      return readFileSync(value, "utf8");
    } catch (err) {
      throw bundleError("io", `${flag}: cannot read ${value}: ${(err as Error).message}`);
    }
  }
  if (/^-----BEGIN /.test(value) || value.trim().startsWith("{")) return value;
  if (/[\\/]/.test(value) && /\.(pem|key|crt|json|jwks)$/i.test(value)) {
    throw bundleError("io", `${flag}: key file ${value} does not exist`);
  }
  return value;
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
    if (!options.verificationKey) throw bundleError("key", "--verification-key is required");
    const key = readKeyArgument(options.verificationKey, "--verification-key");
    const bundle = await readBundle(bundlePath);
    const report = await verifyBundle(bundle, { key, keyId: options.keyId, scope: options.scope, alg: options.alg, allowUnsigned: options.allowUnsigned });
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
    .option("--verification-key <pem|jwks|secret>", "public key file (PEM), JWKS file, or HMAC secret")
    .option("--key-id <id>", "key id to verify with (overrides the signature's kid)")
    .option("--scope <scope>", "scope the signature must carry")
    .option("--signing-alg <alg>", "require this signing algorithm")
    .option("--allow-unsigned", "accept a bundle without .signatures.json")
    .option("--format <format>", "text or json", "text")
    .action(async (bundle: string, opts: VerifyCliOptions & { signingAlg?: string }) => {
      emit(await runVerify(bundle, { ...opts, alg: opts.signingAlg }));
    });
}
