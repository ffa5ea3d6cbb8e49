/**
 * `regent build`: writes the archive, prints a text or JSON summary, prints every compile
 * error with its location (exit 1), and refuses targets other than wasm.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBundle } from "../../src/bundle/fs.js";
import { runBuild } from "../../src/cli/build.js";
import { runVerbProcess } from "./cli-harness.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "regent-cli-build-"));
  await mkdir(join(dir, "p"));
  await writeFile(join(dir, "p", "a.rego"), "package a\n\nallow if input.x == 1\n");
  await writeFile(join(dir, "data.json"), '{"a": {"limit": 3}}');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("regent build", () => {
  it("writes a bundle and prints a JSON summary", async () => {
    const out = join(dir, "out.tar.gz");
    const r = await runBuild(["p"], { entrypoint: ["a/allow"], data: ["data.json"], output: out, revision: "r9", format: "json", cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ output: out, revision: "r9", entrypoints: ["a/allow"], roots: [""] });
    const b = await readBundle(out);
    expect(b.data).toEqual({ a: { limit: 3 } });
    expect(summary.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("prints compile errors with file:row:col and exits 1", async () => {
    await writeFile(join(dir, "p", "bad.rego"), "package a\n\np if {\n");
    const r = await runBuild(["p"], { entrypoint: ["a/allow"], output: join(dir, "x.tar.gz"), cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/p\/bad\.rego:\d+:\d+: rego_parse_error/);
    await rm(join(dir, "p", "bad.rego"));
  });

  it("refuses an entrypoint that names no rule or package, and accepts a package or a path into a rule's value", async () => {
    const r = await runBuild(["p"], { entrypoint: ["a/nosuch"], output: join(dir, "x.tar.gz"), cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rego_compile_error: entrypoint a\/nosuch does not refer to a rule or a package/);
    expect((await runBuild(["p"], { entrypoint: ["a"], output: join(dir, "x.tar.gz"), cwd: dir })).code).toBe(0);
  });

  it("refuses other targets and missing inputs", async () => {
    expect((await runBuild(["p"], { target: "plan", cwd: dir })).stderr).toMatch(/bundle_usage_error: -t plan is not supported/);
    expect((await runBuild([], { cwd: dir })).stderr).toMatch(/give policy paths and\/or --bundle/);
  });

  it("runs through commander in a real process with repeatable -e and text output", async () => {
    const out = join(dir, "cli.tar.gz");
    const r = runVerbProcess("build.ts", ["build", "-t", "wasm", "-e", "a/allow", "-o", out, "--revision", "r1", join(dir, "p")], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*cli\.tar\.gz \(\d+ bytes, sha256 [0-9a-f]{64}\)\nrevision: {4}r1\n/);
    expect((await readFile(out)).length).toBeGreaterThan(100);
  }, 180_000);
});
