import { mkdtemp, mkdir, rename, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readFolderSnapshot } from "../../src/bundle/fs.js";
import { DEFAULT_LIMITS } from "../../src/bundle/tar.js";

const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? new Uint8Array()).toString("utf8");

async function revisionDir(parent: string, name: string, rev: string): Promise<string> {
  const dir = join(parent, name);
  await mkdir(join(dir, "app"), { recursive: true });
  await writeFile(join(dir, ".manifest"), JSON.stringify({ revision: rev }));
  await writeFile(join(dir, "app", "data.json"), JSON.stringify({ rev }));
  return dir;
}

describe("readFolderSnapshot", () => {
  it("waits while the folder is still being written, and reads it once it has been still", async () => {
    const parent = await mkdtemp(join(tmpdir(), "regent-snap-"));
    const dir = await revisionDir(parent, "b", "r1");
    const written = (await stat(join(dir, "app", "data.json"))).mtimeMs;
    const early = await readFolderSnapshot(dir, DEFAULT_LIMITS, 300, () => written + 50);
    expect(early).toEqual({ settlingMs: 250 });
    const late = await readFolderSnapshot(dir, DEFAULT_LIMITS, 300, () => written + 1_000);
    expect("files" in late && text(late.files.get(".manifest"))).toBe(JSON.stringify({ revision: "r1" }));
  });

  it("counts a file added to a subfolder as a change of the folder", async () => {
    const parent = await mkdtemp(join(tmpdir(), "regent-snap-"));
    const dir = await revisionDir(parent, "b", "r1");
    await writeFile(join(dir, "app", "extra.json"), "{}");
    const added = (await stat(join(dir, "app", "extra.json"))).mtimeMs;
    expect(await readFolderSnapshot(dir, DEFAULT_LIMITS, 300, () => added + 10)).toEqual({ settlingMs: 290 });
  });

  it("reads a symbolic link swapped in one rename wholly from one revision", async () => {
    const parent = await mkdtemp(join(tmpdir(), "regent-snap-"));
    await revisionDir(parent, "rev1", "r1");
    await revisionDir(parent, "rev2", "r2");
    const live = join(parent, "live");
    await symlink(join(parent, "rev1"), live);
    const later = () => Date.now() + 10_000;
    const first = await readFolderSnapshot(live, DEFAULT_LIMITS, 300, later);
    expect("files" in first && text(first.files.get("app/data.json"))).toBe(JSON.stringify({ rev: "r1" }));
    await symlink(join(parent, "rev2"), join(parent, "live.next"));
    await rename(join(parent, "live.next"), live);
    const second = await readFolderSnapshot(live, DEFAULT_LIMITS, 300, later);
    expect("files" in second && [text(second.files.get(".manifest")), text(second.files.get("app/data.json"))]).toEqual([
      JSON.stringify({ revision: "r2" }),
      JSON.stringify({ rev: "r2" }),
    ]);
  });
});
