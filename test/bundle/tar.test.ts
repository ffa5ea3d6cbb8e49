/**
 * The tar layer: reproducible writing (fixed header bytes, sorted entries) and hardened
 * reading of hostile archives (truncation, `..`, absolute paths, links, duplicates, bombs).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import * as tar from "tar-stream";
import { bundlePath, readTar, readTarGz, writeTarGz, DEFAULT_LIMITS } from "../../src/bundle/tar.js";
import { rawTar, rawTarGz } from "./fixtures.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function headers(tarBytes: Uint8Array): Promise<tar.Header[]> {
  const out: tar.Header[] = [];
  const ex = tar.extract();
  const done = (async () => {
    for await (const e of ex) {
      out.push(e.header);
      e.resume();
    }
  })();
  ex.end(Buffer.from(tarBytes));
  await done;
  return out;
}

describe("writeTarGz", () => {
  it("is byte-identical for the same files given in any order", async () => {
    const a = await writeTarGz(new Map([["b.txt", enc("b")], ["a/data.json", enc("{}")]]));
    const b = await writeTarGz(new Map([["a/data.json", enc("{}")], ["b.txt", enc("b")]]));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("writes a fixed gzip header: no name, mtime 0, OS byte 255", async () => {
    const gz = await writeTarGz(new Map([["x", enc("x")]]));
    expect([...gz.slice(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]); // deflate, no FNAME/FEXTRA/FCOMMENT flags
    expect([...gz.slice(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(gz[9]).toBe(255);
  });

  it("writes sorted entries with mtime 0, uid/gid 0, empty owner names and mode 0644", async () => {
    const gz = await writeTarGz(new Map([["z", enc("1")], ["a/b", enc("2")]]));
    const hs = await headers(new Uint8Array(gunzipSync(gz)));
    expect(hs.map((h) => h.name)).toEqual(["a/b", "z"]);
    for (const h of hs) {
      expect(h.mtime.getTime()).toBe(0);
      expect([h.uid, h.gid, h.uname, h.gname, h.mode]).toEqual([0, 0, "", "", 0o644]);
    }
  });

  it("round-trips through readTarGz", async () => {
    const files = new Map([["a/data.json", enc('{"x":1}')], [".manifest", enc("{}")]]);
    const back = await readTarGz(await writeTarGz(files));
    expect([...back.entries()]).toEqual([...files.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
  });
});

describe("bundlePath", () => {
  it("accepts OPA's leading slash and ./ prefixes as the bundle root", () => {
    expect(bundlePath("/data.json")).toBe("data.json");
    expect(bundlePath("./a/b/data.json")).toBe("a/b/data.json");
  });
  it.each([
    ["../evil", /'\.\.'/],
    ["a/../../evil", /'\.\.'/],
    ["/../etc/passwd", /'\.\.'/],
    ["//server/share/x", /absolute path/],
    ["C:/Windows/x", /absolute Windows path/],
    ["a\\..\\x", /backslash/],
    ["a//b", /empty path segment/],
    ["", /empty path segment/],
  ])("refuses %j", (name, why) => {
    expect(() => bundlePath(name)).toThrowError(why);
  });
});

describe("readTarGz hardening", () => {
  it("rejects bytes that are not gzip", async () => {
    await expect(readTarGz(enc("definitely not a tarball at all"))).rejects.toMatchObject({ code: "bundle_format_error", message: expect.stringMatching(/not a gzip archive/) });
  });

  it("rejects a truncated gzip stream", async () => {
    const gz = await rawTarGz([{ name: "data.json", body: "{}".repeat(5000) }]);
    await expect(readTarGz(gz.slice(0, Math.floor(gz.length / 2)))).rejects.toMatchObject({ code: "bundle_format_error", message: expect.stringMatching(/truncated/) });
  });

  it("rejects a tar with a '..' path", async () => {
    const gz = await rawTarGz([{ name: "../../evil.rego", body: "package x" }]);
    await expect(readTarGz(gz)).rejects.toMatchObject({ code: "bundle_path_error", message: expect.stringMatching(/evil\.rego.*'\.\.'/) });
  });

  it("rejects a tar with an absolute path that escapes (//host, drive letters)", async () => {
    await expect(readTarGz(await rawTarGz([{ name: "//etc/passwd", body: "x" }]))).rejects.toMatchObject({ code: "bundle_path_error" });
    await expect(readTarGz(await rawTarGz([{ name: "C:/x/data.json", body: "{}" }]))).rejects.toMatchObject({ code: "bundle_path_error" });
  });

  it("rejects symlinks and hard links", async () => {
    await expect(readTarGz(await rawTarGz([{ name: "data.json", type: "symlink", linkname: "/etc/passwd" }]))).rejects.toMatchObject({ code: "bundle_path_error", message: expect.stringMatching(/symbolic link/) });
    await expect(readTarGz(await rawTarGz([{ name: "data.json", type: "link", linkname: "x" }]))).rejects.toMatchObject({ code: "bundle_path_error", message: expect.stringMatching(/hard link/) });
  });

  it("rejects duplicate entries, also when spelled differently", async () => {
    const gz = await rawTarGz([{ name: "/data.json", body: "{}" }, { name: "./data.json", body: '{"a":1}' }]);
    await expect(readTarGz(gz)).rejects.toMatchObject({ code: "bundle_path_error", message: expect.stringMatching(/data\.json appears twice/) });
  });

  it("rejects a huge manifest before reading it", async () => {
    const gz = await rawTarGz([{ name: ".manifest", body: `{"metadata":{"x":"${"a".repeat(DEFAULT_LIMITS.maxManifestBytes)}"}}` }]);
    await expect(readTarGz(gz)).rejects.toMatchObject({ code: "bundle_limit_error", message: expect.stringMatching(/\.manifest is \d+ bytes, over the limit/) });
  });

  it("stops a gzip bomb at the total size limit", async () => {
    const bomb = new Uint8Array(gzipSync(Buffer.alloc(8 * 1024 * 1024)));
    await expect(readTarGz(bomb, { ...DEFAULT_LIMITS, maxTotalBytes: 1024 * 1024 })).rejects.toMatchObject({ code: "bundle_limit_error" });
  });

  it("rejects a file over the per-file limit and too many entries", async () => {
    const gz = await rawTarGz([{ name: "a.bin", body: new Uint8Array(2048) }]);
    await expect(readTarGz(gz, { ...DEFAULT_LIMITS, maxFileBytes: 1024 })).rejects.toMatchObject({ code: "bundle_limit_error" });
    const many = await rawTarGz([{ name: "a", body: "1" }, { name: "b", body: "2" }, { name: "c", body: "3" }]);
    await expect(readTarGz(many, { ...DEFAULT_LIMITS, maxEntries: 2 })).rejects.toMatchObject({ code: "bundle_limit_error" });
  });

  it("rejects a corrupt tar inside valid gzip", async () => {
    const garbage = new Uint8Array(gzipSync(Buffer.from("x".repeat(1024))));
    await expect(readTarGz(garbage)).rejects.toMatchObject({ code: "bundle_format_error", message: expect.stringMatching(/tar data is corrupt/) });
  });

  it("rejects a tar cut off in the middle of an entry", async () => {
    const t = await rawTar([{ name: "a.bin", body: new Uint8Array(4096) }]);
    await expect(readTar(t.slice(0, 1024))).rejects.toMatchObject({ code: "bundle_format_error" });
  });
});
