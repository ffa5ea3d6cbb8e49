/**
 * What `regent push` and `regent pull` share: registry credentials from flags and environment
 * (never from argv as a password, never printed) and the client they build.
 */
import type { Command } from "commander";
import { OciClient, type OciCredentials } from "../bundle/oci.js";
import { parseOciReference, type OciReference } from "../bundle/oci-format.js";
import { readKeyFile } from "./verify.js";
import { bundleError } from "../bundle/errors.js";

export interface RegistryFlags {
  username?: string;
  passwordFile?: string;
  plainHttp?: boolean;
}

export function registryOptions(cmd: Command): Command {
  return cmd
    .option("--username <user>", "registry user (else $REGENT_OCI_USERNAME)")
    .option("--password-file <file>", "file holding the registry password or token (else $REGENT_OCI_PASSWORD)")
    .option("--plain-http", "talk HTTP, not HTTPS, to a registry that is not on loopback (loopback always uses HTTP)");
}

/** Credentials: flags first, then REGENT_OCI_USERNAME / REGENT_OCI_PASSWORD / REGENT_OCI_TOKEN. */
export function credentialsFrom(flags: RegistryFlags, env: Record<string, string | undefined>): OciCredentials | undefined {
  const username = flags.username ?? env.REGENT_OCI_USERNAME;
  let password = env.REGENT_OCI_PASSWORD;
  if (flags.passwordFile !== undefined) password = Buffer.from(readKeyFile(flags.passwordFile, "--password-file")).toString("utf8").replace(/\r?\n$/, "");
  const token = env.REGENT_OCI_TOKEN;
  if (password !== undefined && username === undefined) throw bundleError("usage", "a registry password was given without a --username (or $REGENT_OCI_USERNAME)");
  if (username === undefined && token === undefined) return undefined;
  return { username, password, token };
}

export function clientFor(reference: string, flags: RegistryFlags, env: Record<string, string | undefined>): { ref: OciReference; client: OciClient } {
  const ref = parseOciReference(reference, { plainHttp: flags.plainHttp });
  return { ref, client: new OciClient({ credentials: credentialsFrom(flags, env) }) };
}
