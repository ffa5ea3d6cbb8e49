/**
 * Shared test fixtures for the bundle tests: a small valid bundle (manifest, tiny wasm,
 * data, a Rego source) built from literal bytes, and raw tar/gzip builders for hostile archives.
 */
import { gzipSync } from "node:zlib";
import * as tar from "tar-stream";
import { parseBundleFiles, type Bundle } from "../../src/bundle/bundle.js";

export const TINY_WASM = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export function sampleFiles(): Map<string, Uint8Array> {
  return new Map<string, Uint8Array>([
    [".manifest", enc(JSON.stringify({ revision: "r1", roots: ["envoy", "regent"], wasm: [{ entrypoint: "envoy/authz/allow", module: "/policy.wasm" }] }))],
    ["policy.wasm", TINY_WASM],
    ["regent/datasets/data.json", enc('{"tickets": {"classification": "confidential"}}')],
    ["envoy/authz/policy.rego", enc("package envoy.authz\n\nallow := true\n")],
  ]);
}

export function sampleBundle(): Bundle {
  return parseBundleFiles(sampleFiles());
}

export interface RawEntry {
  name: string;
  body?: string | Uint8Array;
  type?: "file" | "symlink" | "link" | "directory";
  linkname?: string;
  size?: number;
}

/** A tar with exactly the given headers, no validation, for hostile-archive tests. */
export async function rawTar(entries: RawEntry[]): Promise<Uint8Array> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  })();
  for (const e of entries) {
    const body = typeof e.body === "string" ? Buffer.from(e.body) : Buffer.from(e.body ?? new Uint8Array());
    await new Promise<void>((resolve, reject) => {
      if (e.type === "symlink" || e.type === "link" || e.type === "directory") {
        pack.entry({ name: e.name, type: e.type, linkname: e.linkname }, (err) => (err ? reject(err) : resolve()));
      } else {
        pack.entry({ name: e.name, size: body.length }, body, (err) => (err ? reject(err) : resolve()));
      }
    });
  }
  pack.finalize();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

export async function rawTarGz(entries: RawEntry[]): Promise<Uint8Array> {
  return new Uint8Array(gzipSync(await rawTar(entries)));
}
