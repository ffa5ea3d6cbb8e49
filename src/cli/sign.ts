/**
 * `regent sign <bundle>`: signs a bundle archive or folder in OPA's format. An archive is
 * rewritten (in place or to -o) with `.signatures.json`; a folder gets `.signatures.json`
 * written into it (or to -o).
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { readBundle } from "../bundle/fs.js";
import { signBundle } from "../bundle/sign.js";
import type { KeyObject } from "node:crypto";
import { defaultSigningAlgorithm, selectSigningJwk } from "../bundle/keys.js";
import { serializeSignatures, writeBundle } from "../bundle/write.js";
import { bundleError } from "../bundle/errors.js";
import { SIGNATURES_FILE } from "../bundle/bundle.js";
import { emit, errorResult, readKeyArgument, readKeyFile, type CliResult } from "./verify.js";

export interface SignCliOptions {
  signingKey?: string;
  signingSecretFile?: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
  claimsFile?: string;
  output?: string;
}

async function readClaims(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw bundleError("io", `--claims-file: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let claims: unknown;
  try {
    claims = JSON.parse(text);
  } catch (err) {
    throw bundleError("signature", `--claims-file ${path}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) {
    throw bundleError("signature", `--claims-file ${path}: must hold a JSON object of claims`);
  }
  return claims as Record<string, unknown>;
}

export async function runSign(bundlePath: string, options: SignCliOptions): Promise<CliResult> {
  try {
    if ((options.signingKey === undefined) === (options.signingSecretFile === undefined)) {
      throw bundleError("key", "give one of --signing-key (a PEM private key file) or --signing-secret-file (an HMAC secret)");
    }
    let key: string | Uint8Array | KeyObject | undefined = options.signingKey !== undefined ? readKeyArgument(options.signingKey, "--signing-key") : undefined;
    let keyId = options.keyId;
    const keyText = key === undefined ? "" : (typeof key === "string" ? key : Buffer.from(key).toString("utf8")).trim();
    if (keyText.startsWith("{")) {
      // A JWK or JWKS of private keys: --key-id picks the key (and is the signature's kid).
      const picked = selectSigningJwk(keyText, options.keyId);
      key = picked.key;
      keyId = options.keyId ?? picked.kid;
    }
    const secret = options.signingSecretFile !== undefined ? readKeyFile(options.signingSecretFile, "--signing-secret-file") : undefined;
    const alg = options.signingAlg ?? defaultSigningAlgorithm({ key, secret });
    const claims = options.claimsFile ? await readClaims(options.claimsFile) : undefined;
    const isDir = (await stat(bundlePath).catch(() => null))?.isDirectory() ?? false;
    const bundle = await readBundle(bundlePath);
    const signed = await signBundle(bundle, { key, secret, alg, keyId, scope: options.scope, claims });
    let target: string;
    if (isDir) {
      target = options.output ?? join(bundlePath, SIGNATURES_FILE);
      await writeFile(target, serializeSignatures(signed.signatures!));
    } else {
      target = options.output ?? bundlePath;
      await writeFile(target, await writeBundle(signed));
    }
    return { code: 0, stdout: `signed ${bundle.files.size} files with ${alg}${keyId ? ` (key id ${keyId})` : ""}: wrote ${target}\n`, stderr: "" };
  } catch (err) {
    return errorResult(err);
  }
}

export function register(program: Command): void {
  program
    .command("sign")
    .description("sign a bundle (writes .signatures.json in OPA's format)")
    .argument("<bundle>", "bundle .tar.gz or folder")
    .option("--signing-key <file>", "PEM private key file (RS/PS/ES), or a JWK/JWKS of private keys (--key-id picks one)")
    .option("--signing-secret-file <file>", "file holding the HMAC secret (HS256/384/512), used byte for byte")
    .option("--signing-alg <alg>", "RS256/384/512, PS256/384/512, ES256/384/512, HS256/384/512 (default: from the key: RS256 for RSA, ES256/384/512 for EC, HS256 for a secret)")
    .option("--key-id <id>", "key id to put in the signature (kid and keyid); with a JWKS signing key, the key to sign with")
    .option("--scope <scope>", "scope claim to put in the signature")
    .option("--claims-file <file>", "JSON file of extra claims for the signature payload")
    .option("-o, --output <path>", "where to write: the signed archive, or .signatures.json for a folder")
    .action(async (bundle: string, opts: SignCliOptions) => {
      emit(await runSign(bundle, opts));
    });
}
