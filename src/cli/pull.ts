/**
 * `regent pull oci://host/repo:tag|@sha256:… -o bundle.tar.gz`: fetches a bundle from an OCI
 * registry, checks the manifest and layer digests and that the archive is a readable bundle,
 * and writes it byte for byte.
 */
import { rename, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { readBundle } from "../bundle/fs.js";
import { bundleError } from "../bundle/errors.js";
import { emit, errorResult, type CliResult } from "./verify.js";
import { clientFor, registryOptions, type RegistryFlags } from "./registry.js";

export interface PullFlags extends RegistryFlags {
  output?: string;
}

export async function runPull(reference: string, flags: PullFlags, env: Record<string, string | undefined> = process.env): Promise<CliResult> {
  try {
    if (!flags.output) throw bundleError("usage", "give -o <file> to write the bundle to");
    const { ref, client } = clientFor(reference, flags, env);
    const pulled = await client.pullBundle(ref);
    const bundle = await readBundle(pulled.bytes);
    const tmp = `${flags.output}.tmp-${process.pid}`;
    try {
      await writeFile(tmp, pulled.bytes);
      await rename(tmp, flags.output);
    } catch (err) {
      throw bundleError("io", `cannot write ${flags.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const revision = typeof bundle.manifest.revision === "string" && bundle.manifest.revision ? ` ${bundle.manifest.revision}` : "";
    return { code: 0, stdout: `pulled bundle${revision} (${pulled.bytes.length} bytes, manifest ${pulled.digest}): wrote ${flags.output}\n`, stderr: "" };
  } catch (err) {
    return errorResult(err);
  }
}

export function register(program: Command): void {
  registryOptions(
    program
      .command("pull")
      .description("fetch a bundle from an OCI registry, verifying every digest")
      .argument("<reference>", "oci://host[:port]/repository:tag or oci://host[:port]/repository@sha256:<digest>")
      .option("-o, --output <file>", "where to write the bundle .tar.gz"),
  ).action(async (reference: string, opts: PullFlags) => {
    emit(await runPull(reference, opts));
  });
}
