/**
 * The streaming bundle reader: every limit stops the read while bytes flow (a bomb at the
 * expanded limit, a 250 MiB entry at its header, too many files, an oversized archive), hostile
 * and broken archives are refused with coded errors, and with an early signature check a file
 * the signature does not list is refused before its content is read.
 */
import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { generateKeyPair, exportPKCS8, exportSPKI } from "jose";
import { chunksOf, readTarGzStream, type StreamLimits } from "../../src/bundle/stream-read.js";
import { checkedBundle, readBundleLimited, signatureNames, type BundleLimits } from "../../src/bundle/limits.js";
import { readTarGz, writeTarGz } from "../../src/bundle/tar.js";
import { parseBundleFiles, signBundle, writeBundle, bundleFiles } from "../../src/bundle/index.js";
import { streamedTarGz } from "../reliability/lib.js";

const MiB = 1024 * 1024;
const limits: StreamLimits = { maxCompressedBytes: 8 * MiB, maxExpandedBytes: 64 * MiB, maxFileBytes: 32 * MiB, maxFiles: 100, maxManifestBytes: MiB };
const read = (bytes: Uint8Array, l: Partial<StreamLimits> = {}) => readTarGzStream(chunksOf(bytes), { ...limits, ...l });
const enc = new TextEncoder();

describe("readTarGzStream", () => {
  it("reads what the in-memory reader reads", async () => {
    const files = new Map([
      [".manifest", enc.encode('{"revision":"1"}')],
      ["a/data.json", enc.encode('{"x":1}')],
    ]);
    const gz = await writeTarGz(files);
    expect(await read(gz)).toEqual(await readTarGz(gz));
  });

  it("stops a gzip bomb at the expanded limit", async () => {
    const bomb = await streamedTarGz(Array.from({ length: 10 }, (_, i) => ({ name: `z${i}.bin`, size: 16 * MiB })));
    expect(bomb.length).toBeLessThan(MiB);
    await expect(read(bomb)).rejects.toMatchObject({ code: "bundle_limit_error", limit: "bundle_expanded_bytes", message: expect.stringMatching(/limits\.bundle_expanded_bytes/) });
  });

  it("refuses a 250 MiB file in a small archive at its header", async () => {
    const big = await streamedTarGz([{ name: ".manifest", bytes: enc.encode("{}") }, { name: "big.bin", size: 250 * MiB }]);
    expect(big.length).toBeLessThan(2 * MiB);
    await expect(read(big, { maxExpandedBytes: 1024 * MiB })).rejects.toMatchObject({ limit: "bundle_file_bytes", message: expect.stringMatching(/^big\.bin is 262144000 bytes/) });
  });

  it("refuses too many files, an oversized archive, garbage and truncation", async () => {
    const many = await streamedTarGz(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, bytes: enc.encode("x") })));
    await expect(read(many, { maxFiles: 10 })).rejects.toMatchObject({ limit: "bundle_files" });
    const random = new Uint8Array(randomBytes(3 * MiB)); // incompressible
    const noisy = await streamedTarGz([{ name: "r.bin", bytes: random }]);
    await expect(read(noisy, { maxCompressedBytes: MiB })).rejects.toMatchObject({ limit: "bundle_download_bytes" });
    await expect(read(enc.encode("this is not gzip at all"))).rejects.toMatchObject({ code: "bundle_format_error" });
    const good = await writeTarGz(new Map([["a.txt", enc.encode("hello ".repeat(1000))]]));
    await expect(read(good.subarray(0, good.length - 30))).rejects.toMatchObject({ code: "bundle_format_error" });
    const flipped = Uint8Array.from(good);
    flipped[20] = flipped[20]! ^ 0xff;
    await expect(read(flipped)).rejects.toMatchObject({ code: expect.stringMatching(/^bundle_(format|path)_error$/) });
  });

  it("refuses links and unsafe paths as the in-memory reader does", async () => {
    const up = await streamedTarGz([{ name: "../escape", bytes: enc.encode("x") }]);
    await expect(read(up)).rejects.toMatchObject({ code: "bundle_path_error" });
  });
});

describe("the early signature check", () => {
  it("refuses a file the signature does not list before reading it, and accepts the signed bundle", async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const files = new Map([
      [".manifest", enc.encode('{"revision":"1","roots":[""]}')],
      ["data.json", enc.encode('{"x":1}')],
    ]);
    const signed = await signBundle(parseBundleFiles(files), { key: await exportPKCS8(privateKey), alg: "RS256" });
    const verify = { key: await exportSPKI(publicKey) };
    const l: BundleLimits = { downloadBytes: 8 * MiB, expandedBytes: 64 * MiB, fileBytes: 32 * MiB, files: 100, maxJsonDepth: 64 };
    const ok = await readBundleLimited(await writeBundle(signed), l, verify);
    expect(ok.data).toEqual({ x: 1 });
    // The signed files, then a 250 MiB passenger the signature does not list: refused at its header.
    const all = bundleFiles(signed);
    const order = [...all.keys()].sort();
    const smuggled = await streamedTarGz([...order.map((name) => ({ name, bytes: all.get(name)! })), { name: "zzz.bin", size: 30 * MiB }]);
    await expect(readBundleLimited(smuggled, l, verify)).rejects.toMatchObject({ code: "bundle_signature_error", message: expect.stringMatching(/zzz\.bin is not covered/) });
    // A signature from another key fails as soon as .signatures.json arrives.
    const other = await generateKeyPair("RS256", { extractable: true });
    await expect(signatureNames({ key: await exportSPKI(other.publicKey) })(all.get(".signatures.json")!)).rejects.toMatchObject({ code: "bundle_signature_error" });
  });

  it("refuses bundle data nested deeper than max_json_depth", () => {
    const deep = "[".repeat(100) + "]".repeat(100);
    const files = new Map([["data.json", enc.encode(`{"d":${deep}}`)]]);
    expect(() => checkedBundle(files, { downloadBytes: MiB, expandedBytes: MiB, fileBytes: MiB, files: 10, maxJsonDepth: 64 })).toThrow(/limits\.max_json_depth/);
  });
});
