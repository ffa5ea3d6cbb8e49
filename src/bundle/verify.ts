/**
 * Verifies a signed bundle as OPA does (exactly one JWS, key chosen by key id, scope must
 * match) and reports precisely what is wrong: which files were added, removed or changed,
 * or which of key, algorithm and scope does not fit. `alg: none` never passes.
 */
import { compactVerify, decodeProtectedHeader } from "jose";
import { compareUtf8 } from "./canonical-json.js";
import type { Bundle } from "./bundle.js";
import { SIGNATURES_FILE } from "./bundle.js";
import { bundleError } from "./errors.js";
import { HASH_ALGORITHMS, hashFile } from "./hash.js";
import { hmacSecret, loadVerificationKeys, type VerificationKey } from "./keys.js";
import type { RegentError } from "../errors.js";

export interface VerifyOptions {
  /** A PEM or DER public key/certificate, or a JWK or JWKS (text). Never an HMAC secret. */
  key?: string | Uint8Array;
  /** An HMAC secret, given explicitly as one; its key id is `keyId`. */
  secret?: string | Uint8Array;
  /** Several keys: JWKS text, or public key texts with their ids. */
  keys?: string | { kid?: string; key: string | Uint8Array }[];
  /** The key id to verify with; overrides the token's `kid`, as OPA's key id setting does. */
  keyId?: string;
  /** The scope the signature must carry; none means the signature must carry none. */
  scope?: string;
  /** Pin the algorithm (otherwise any algorithm the key allows). */
  alg?: string;
  allowUnsigned?: boolean;
}

export interface VerifyReport {
  ok: boolean;
  signed: boolean;
  alg?: string;
  keyId?: string;
  scope?: string;
  /** Files in the bundle that the signature does not list. */
  added: string[];
  /** Files the signature lists that are not in the bundle. */
  removed: string[];
  /** Files whose digest differs from the signed one. */
  changed: string[];
  /** Files whose digest matches. */
  verified: string[];
  /** Every reason the verification failed, in words. */
  problems: string[];
}

function gatherKeys(options: VerifyOptions): VerificationKey[] {
  const keys: VerificationKey[] = [];
  if (options.key !== undefined) keys.push(...loadVerificationKeys(options.key, options.keyId));
  if (options.secret !== undefined) keys.push(hmacSecret(options.secret, options.keyId));
  if (typeof options.keys === "string") keys.push(...loadVerificationKeys(options.keys));
  else for (const k of options.keys ?? []) keys.push(...loadVerificationKeys(k.key, k.kid));
  if (keys.length === 0) throw bundleError("key", "no verification key given");
  return keys;
}

interface SignedEntry {
  name: string;
  hash: string;
  algorithm: string;
}

function parsePayload(bytes: Uint8Array): { files: SignedEntry[]; keyid?: string; scope?: string } | string {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return "the signature payload is not JSON";
  }
  const p = raw as Record<string, unknown>;
  if (typeof p !== "object" || p === null || !Array.isArray(p.files)) return 'the signature payload has no "files" list';
  for (const f of p.files as unknown[]) {
    const e = f as Record<string, unknown>;
    if (typeof e !== "object" || e === null || typeof e.name !== "string" || typeof e.hash !== "string" || typeof e.algorithm !== "string") {
      return "the signature payload has a malformed files entry (want {name, hash, algorithm})";
    }
  }
  if (p.scope !== undefined && typeof p.scope !== "string") return "the signature payload's scope is not a string";
  return { files: p.files as SignedEntry[], keyid: typeof p.keyid === "string" ? p.keyid : undefined, scope: p.scope as string | undefined };
}

function unverifiedKeyId(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { keyid?: unknown };
    return typeof payload.keyid === "string" ? payload.keyid : undefined;
  } catch {
    return undefined;
  }
}

function pickKey(keys: VerificationKey[], kid: string | undefined): VerificationKey | string {
  if (kid !== undefined) {
    const match = keys.find((k) => k.kid === kid);
    if (match) return match;
    const anonymous = keys.filter((k) => k.kid === undefined);
    if (anonymous.length === 1 && keys.length === 1) return anonymous[0];
    return `no verification key has key id "${kid}": the key is retired or unknown (trusted: ${keys.map((k) => k.kid ?? "(no id)").join(", ")})`;
  }
  if (keys.length === 1) return keys[0];
  return "the signature names no key id and several keys were given; pass a key id";
}

/** Verifies the signature and every file; never throws for a bad bundle, only for unusable keys. */
export async function verifyBundle(bundle: Bundle, options: VerifyOptions): Promise<VerifyReport> {
  const report: VerifyReport = { ok: false, signed: bundle.signatures !== null, added: [], removed: [], changed: [], verified: [], problems: [] };
  const keys = gatherKeys(options);
  const tokens = bundle.signatures?.signatures ?? [];
  if (!bundle.signatures || tokens.length === 0) {
    report.signed = false;
    if (options.allowUnsigned) report.ok = true;
    else report.problems.push("the bundle is not signed (no .signatures.json); pass allowUnsigned to accept it");
    return report;
  }
  if (tokens.length > 1) {
    report.problems.push(`${SIGNATURES_FILE} holds ${tokens.length} signatures; exactly one is supported (as in OPA)`);
    return report;
  }
  const token = tokens[0];
  let header: { alg?: string; kid?: string };
  try {
    header = decodeProtectedHeader(token) as { alg?: string; kid?: string };
  } catch (err) {
    report.problems.push(`the signature is not a valid compact JWS: ${(err as Error).message}`);
    return report;
  }
  report.alg = header.alg;
  if (!header.alg || header.alg.toLowerCase() === "none") {
    report.problems.push(`the signature uses alg "${header.alg ?? ""}"; unsigned JWS ("none") is never accepted`);
    return report;
  }
  if (options.alg !== undefined && header.alg !== options.alg) {
    report.problems.push(`the signature uses ${header.alg} but ${options.alg} is required`);
    return report;
  }
  // OPA's order: the configured key id, then the header's kid, then the deprecated payload keyid.
  const kid = options.keyId ?? header.kid ?? unverifiedKeyId(token);
  const picked = pickKey(keys, kid);
  if (typeof picked === "string") {
    report.problems.push(picked);
    return report;
  }
  report.keyId = kid;
  if (!picked.algorithms.includes(header.alg as never)) {
    report.problems.push(`algorithm ${header.alg} does not fit the verification key (an ${picked.description} allows ${picked.algorithms.join(", ")})`);
    return report;
  }
  let payloadBytes: Uint8Array;
  try {
    payloadBytes = (await compactVerify(token, picked.key, { algorithms: [header.alg] })).payload;
  } catch (err) {
    report.problems.push(`the signature does not verify with the given ${picked.description} (wrong key?): ${(err as Error).message}`);
    return report;
  }
  const payload = parsePayload(payloadBytes);
  if (typeof payload === "string") {
    report.problems.push(payload);
    return report;
  }
  if (report.keyId === undefined) report.keyId = payload.keyid;
  report.scope = payload.scope;
  if ((payload.scope ?? "") !== (options.scope ?? "")) {
    report.problems.push(`scope mismatch: the signature has scope ${JSON.stringify(payload.scope ?? "")}, expected ${JSON.stringify(options.scope ?? "")}`);
  }
  const signed = new Map<string, SignedEntry>();
  for (const f of payload.files) signed.set(f.name.replace(/^\/+/, ""), f);
  for (const name of [...bundle.files.keys()].sort(compareUtf8)) {
    const entry = signed.get(name);
    if (!entry) {
      report.added.push(name);
      continue;
    }
    if (!HASH_ALGORITHMS.includes(entry.algorithm)) {
      report.problems.push(`${name}: unsupported hash algorithm "${entry.algorithm}"`);
      continue;
    }
    let digest: string;
    try {
      digest = hashFile(name, bundle.files.get(name)!, entry.algorithm);
    } catch (err) {
      report.problems.push((err as Error).message);
      report.changed.push(name);
      continue;
    }
    (digest === entry.hash.toLowerCase() ? report.verified : report.changed).push(name);
  }
  for (const name of [...signed.keys()].sort(compareUtf8)) if (!bundle.files.has(name)) report.removed.push(name);
  for (const name of report.added) report.problems.push(`${name}: added (not covered by the signature)`);
  for (const name of report.removed) report.problems.push(`${name}: removed (signed but missing from the bundle)`);
  for (const name of report.changed) report.problems.push(`${name}: changed (digest differs from the signed one)`);
  report.ok = report.problems.length === 0;
  return report;
}

/** Throws `bundle_signature_error` listing every problem unless the report is ok. */
export function assertVerified(report: VerifyReport): void {
  if (report.ok) return;
  throw bundleError("signature", `bundle verification failed: ${report.problems.join("; ")}`) as RegentError;
}
