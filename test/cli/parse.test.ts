// Tests for src/cli/parse.ts: spawns the built CLI on real files and checks both formats.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
let dir: string;

function regent(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin", "regent.js"), ...args], { encoding: "utf8", cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "regent-parse-"));
  writeFileSync(join(dir, "p.rego"), "package p\n\ndefault allow := false\n\nallow if {\n\tsome r in input.roles\n\tr == \"admin\"\n}\n");
  writeFileSync(join(dir, "broken.rego"), "package p\n\nallow if {\n");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("regent parse", () => {
  it("prints a readable AST by default", () => {
    const r = regent("parse", "p.rego");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "package p\ndefault complete allow := false { true }\ncomplete allow (true) { some r in input.roles; equal(r, \"admin\") }\n",
    );
  });

  it("prints the AST as JSON with locations", () => {
    const r = regent("parse", "--format", "json", "p.rego");
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.type).toBe("module");
    expect(m.package.path).toEqual(["p"]);
    expect(m.rules[1].body[0].expr.type).toBe("somein");
    expect(m.rules[1].body[1].loc).toEqual({ file: "p.rego", row: 7, col: 2, offset: 70, end: 82 });
  });

  it("prints parse errors and exits 1", () => {
    const r = regent("parse", "broken.rego");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("broken.rego:4:1: rego_parse_error: unexpected eof token");
  });

  it("reports a missing file and a bad format", () => {
    expect(regent("parse", "nope.rego").stderr).toContain("cli_file_error: nope.rego: no such file or directory");
    const bad = regent("parse", "--format", "yaml", "p.rego");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("cli_usage_error");
  });

  it("has --help", () => {
    expect(regent("parse", "--help").stdout).toContain("Usage: regent parse [options] <file>");
  });
});
