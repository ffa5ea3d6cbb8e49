/**
 * Builds the AI-gateway bundle the way `regent build` does (src/bundle's assembleBundle: compile
 * policies/, place bundles/ai-gateway's data, write the OPA-format .tar.gz), optionally signed.
 */
import { readFileSync } from "node:fs";
import { firstLine, piece, repoPath } from "../lib/pieces.js";
import { AI_GATEWAY_ENTRYPOINT, referencePolicies } from "../suites/compile.js";

export interface BundleLike {
  manifest: Record<string, unknown>;
  files: Map<string, Uint8Array>;
  wasm: { entrypoint: string; module: string; bytes: Uint8Array }[];
  data: Record<string, unknown>;
}

export interface BundleModule {
  assembleBundle(s: {
    modules: { path: string; source: string }[];
    data: { path: string; bytes: Uint8Array }[];
    entrypoints: string[];
    roots?: string[];
    revision?: string;
  }): Promise<{ bytes: Uint8Array; bundle: BundleLike }>;
  signBundle(b: BundleLike, o: { key: string; alg: string; keyId?: string }): Promise<BundleLike>;
  writeBundle(b: BundleLike): Promise<Uint8Array>;
  readBundle(src: Uint8Array | string): Promise<BundleLike>;
  verifyBundle(b: BundleLike, o: { key?: string; keyId?: string }): Promise<{ ok: boolean; signed: boolean }>;
}

export type Built = { ok: true; bytes: Uint8Array; bundle: BundleLike; mod: BundleModule } | { ok: false; why: string };

export async function bundleModule(): Promise<{ ok: true; mod: BundleModule } | { ok: false; why: string }> {
  const assemble = await piece<Pick<BundleModule, "assembleBundle">>("src/bundle/assemble.ts", ["assembleBundle"]);
  if (!assemble.ok) return assemble;
  const index = await piece<Omit<BundleModule, "assembleBundle">>("src/bundle/index.ts", ["signBundle", "writeBundle", "readBundle", "verifyBundle"]);
  if (!index.ok) return index;
  return { ok: true, mod: { ...index.mod, assembleBundle: assemble.mod.assembleBundle } };
}

export async function buildAiBundle(sign?: { privatePem: string; alg: string; keyId: string }): Promise<Built> {
  const m = await bundleModule();
  if (!m.ok) return m;
  const modules = referencePolicies();
  if (modules.length === 0) return { ok: false, why: "policies/ has no .rego files yet" };
  let dataBytes: Uint8Array;
  try {
    dataBytes = readFileSync(repoPath("bundles/ai-gateway/data.yaml"));
  } catch {
    return { ok: false, why: "bundles/ai-gateway/data.yaml is not there yet" };
  }
  try {
    const built = await m.mod.assembleBundle({
      modules,
      data: [{ path: "data.yaml", bytes: dataBytes }],
      entrypoints: [AI_GATEWAY_ENTRYPOINT],
      roots: ["envoy", "regent"],
      revision: "bench",
    });
    if (!sign) return { ok: true, bytes: built.bytes, bundle: built.bundle, mod: m.mod };
    const signed = await m.mod.signBundle(built.bundle, { key: sign.privatePem, alg: sign.alg, keyId: sign.keyId });
    return { ok: true, bytes: await m.mod.writeBundle(signed), bundle: signed, mod: m.mod };
  } catch (err) {
    return { ok: false, why: `building the ai-gateway bundle failed: ${firstLine(err)}` };
  }
}
