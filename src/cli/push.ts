/**
 * `regent push <bundle.tar.gz> oci://host/repo:tag`: publishes a built (and signed) bundle to
 * an OCI registry as OPA does, an image manifest whose one layer is the archive, byte for byte.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { readBundle } from "../bundle/fs.js";
import { bundleError } from "../bundle/errors.js";
import { formatReference } from "../bundle/oci-format.js";
import { emit, errorResult, type CliResult } from "./verify.js";
import { clientFor, registryOptions, type RegistryFlags } from "./registry.js";

export async function runPush(bundlePath: string, reference: string, flags: RegistryFlags, env: Record<string, string | undefined> = process.env): Promise<CliResult> {
  try {
    const { ref, client } = clientFor(reference, flags, env);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(bundlePath));
    } catch (err) {
      throw bundleError("io", `cannot read ${bundlePath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    // Only a readable bundle is published: a registry is no place to find out that an archive is broken.
    const bundle = await readBundle(bytes);
    const revision = typeof bundle.manifest.revision === "string" ? bundle.manifest.revision : "";
    const annotations: Record<string, string> = revision ? { "org.opencontainers.image.revision": revision } : {};
    const pushed = await client.pushBundle(ref, bytes, annotations);
    const signed = bundle.signatures ? "signed" : "unsigned";
    return { code: 0, stdout: `pushed ${signed} bundle${revision ? ` ${revision}` : ""} to ${formatReference(ref)}\ndigest: ${pushed.digest}\n`, stderr: "" };
  } catch (err) {
    return errorResult(err);
  }
}

export function register(program: Command): void {
  registryOptions(
    program
      .command("push")
      .description("publish a bundle archive to an OCI registry (image manifest with the bundle as its one layer)")
      .argument("<bundle>", "bundle .tar.gz (as built and signed)")
      .argument("<reference>", "oci://host[:port]/repository:tag"),
  ).action(async (bundle: string, reference: string, opts: RegistryFlags) => {
    emit(await runPush(bundle, reference, opts));
  });
}
