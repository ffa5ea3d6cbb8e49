/**
 * The file-system edge: readBundle from bytes, a .tar.gz path and a folder (refusing
 * symlinks), and extraction that never writes outside its folder.
 */
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractBundle, readBundle, writeFilesToDir } from "../../src/bundle/fs.js";
import { writeBundle } from "../../src/bundle/write.js";
import { rawTarGz, sampleBundle, sampleFiles } from "./fixtures.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "regent-bundle-fs-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readBundle", () => {
  it("reads the same bundle from bytes, from a .tar.gz path and from a folder", async () => {
    const bytes = await writeBundle(sampleBundle());
    await writeFile(join(dir, "b.tar.gz"), bytes);
    await writeFilesToDir(sampleFiles(), join(dir, "folder"));
    for (const src of [bytes, join(dir, "b.tar.gz"), join(dir, "folder")]) {
      const b = await readBundle(src);
      expect(b.manifest.revision).toBe("r1");
      expect([...b.files.keys()].sort()).toEqual([...sampleFiles().keys()].sort());
      expect(b.data).toEqual(sampleBundle().data);
    }
  });

  it("reads an OPA-style archive whose entries start with '/'", async () => {
    const gz = await rawTarGz([...sampleFiles()].map(([name, body]) => ({ name: "/" + name, body })));
    const b = await readBundle(gz);
    expect(b.wasm[0].module).toBe("policy.wasm");
  });

  it("refuses a folder that contains a symbolic link", async () => {
    await writeFilesToDir(sampleFiles(), join(dir, "folder"));
    await symlink("/etc/passwd", join(dir, "folder", "regent", "data.json"));
    await expect(readBundle(join(dir, "folder"))).rejects.toMatchObject({ code: "bundle_path_error", message: expect.stringMatching(/regent\/data\.json is a symbolic link/) });
  });

  it("reports a missing path clearly", async () => {
    await expect(readBundle(join(dir, "nope.tar.gz"))).rejects.toMatchObject({ code: "bundle_io_error", message: expect.stringMatching(/ENOENT/) });
  });
});

describe("extractBundle", () => {
  it("extracts a valid bundle", async () => {
    await extractBundle(await writeBundle(sampleBundle()), join(dir, "out"));
    expect(await readFile(join(dir, "out", "envoy", "authz", "policy.rego"), "utf8")).toContain("package envoy.authz");
  });

  it("never writes an entry that would escape, and writes nothing at all from a hostile archive", async () => {
    const gz = await rawTarGz([{ name: "ok/data.json", body: "{}" }, { name: "../escaped.txt", body: "pwned" }]);
    await expect(extractBundle(gz, join(dir, "out"))).rejects.toMatchObject({ code: "bundle_path_error" });
    await expect(readFile(join(dir, "escaped.txt"))).rejects.toThrow(/ENOENT/);
    await expect(readdir(join(dir, "out"))).rejects.toThrow(/ENOENT/);
  });

  it("roots an absolute entry name at the bundle (as OPA writes them), so it lands inside the folder", async () => {
    const unique = `regent-abs-${process.pid}-${Date.now()}`;
    await extractBundle(await rawTarGz([{ name: `/${unique}/x.txt`, body: "inside" }]), join(dir, "out"));
    expect(await readFile(join(dir, "out", unique, "x.txt"), "utf8")).toBe("inside");
    await expect(readFile(join("/", unique, "x.txt"))).rejects.toThrow(/ENOENT/);
  });

  it("does not follow a symlink planted in the target folder", async () => {
    await mkdir(join(dir, "out"));
    await mkdir(join(dir, "elsewhere"));
    await symlink(join(dir, "elsewhere"), join(dir, "out", "envoy"));
    await expect(writeFilesToDir(new Map([["envoy/x.rego", new TextEncoder().encode("package envoy")]]), join(dir, "out"))).rejects.toMatchObject({ code: "bundle_path_error", message: expect.stringMatching(/symbolic link/) });
    expect(await readdir(join(dir, "elsewhere"))).toEqual([]);
  });
});
