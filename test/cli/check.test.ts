// Tests for src/cli/check.ts (and src/cli/files.ts, which it drives): spawns the built CLI
// (`node bin/regent.js`, built by `npm run build`) over real files in a temporary folder.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ERROR_CODES } from "../../src/cli/errors.js";
import { findRegoFiles, firstInvalidUtf8, readUtf8File } from "../../src/cli/files.js";

const root = join(import.meta.dirname, "..", "..");
let dir: string;

function regent(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin", "regent.js"), ...args], { encoding: "utf8", cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "regent-check-"));
  mkdirSync(join(dir, "good", "nested"), { recursive: true });
  mkdirSync(join(dir, "bad"));
  writeFileSync(join(dir, "good", "a.rego"), "package a\n\nallow if input.user == \"alice\"\n");
  writeFileSync(join(dir, "good", "nested", "b.rego"), "package a.b\n\nimport rego.v1\n\ndeny contains msg if { msg := \"no\" }\n");
  writeFileSync(join(dir, "good", "README.md"), "not rego, ignored in folders\n");
  writeFileSync(join(dir, "bad", "v0.rego"), "package v0\n\nallow { true }\n\nq := [1,\n");
  writeFileSync(join(dir, "bad", "latin1.rego"), Buffer.from("package l\n# caf\xe9\n", "latin1"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("regent check", () => {
  it("exits 0 and says so when every file parses", () => {
    const r = regent("check", "good");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("2 files checked, no errors\n");
    expect(r.code).toBe(0);
  });

  it("prints every error with file:row:col, the line and a caret, and exits 1", () => {
    const r = regent("check", join("bad", "v0.rego"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "bad/v0.rego:3:1: rego_parse_error: `if` keyword is required before rule body\n\tallow { true }\n\t^\n",
    );
    expect(r.stderr).toContain("bad/v0.rego:6:1: rego_parse_error: unexpected eof token");
    expect(r.stderr).toMatch(/2 errors in 1 file checked\n$/);
  });

  it("compiles what parses, and reports compile errors (unsafe variables, unknown functions) as opa check does", () => {
    writeFileSync(join(dir, "unsafe.rego"), "package u\n\np if { y > 1 }\n");
    const r = regent("check", "unsafe.rego");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unsafe.rego:3:8: rego_unsafe_var_error: var y is unsafe\n\tp if { y > 1 }\n\t       ^\n");
    writeFileSync(join(dir, "unknown.rego"), "package k\n\nq := nope(1)\n");
    expect(regent("check", "unknown.rego").stderr).toMatch(/unknown\.rego:3:6: rego_type_error: undefined function nope/);
  });

  it("names a non-UTF-8 file and the position of its first bad byte", () => {
    const r = regent("check", "bad");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad/latin1.rego:2:6: cli_encoding_error: file is not valid UTF-8 (byte 0xe9 at offset 15)");
  });

  it("reports a missing path but still checks the others", () => {
    const r = regent("check", "nowhere", "good");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cli_file_error: nowhere: no such file or directory");
    expect(r.stderr).toContain("1 error in 2 files checked");
  });

  it.skipIf(process.getuid?.() === 0)("reports an unreadable file", () => {
    const p = join(dir, "locked.rego");
    writeFileSync(p, "package x\n");
    chmodSync(p, 0o000);
    const r = regent("check", "locked.rego");
    chmodSync(p, 0o644);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cli_file_error: locked.rego: permission denied");
  });

  it("prints JSON with --format json", () => {
    const r = regent("check", "--format", "json", "bad/v0.rego");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.files).toBe(1);
    expect(out.errors[0]).toEqual({
      code: "rego_parse_error",
      message: "`if` keyword is required before rule body",
      location: { file: "bad/v0.rego", row: 3, col: 1 },
    });
  });

  it("rejects an unknown format and a missing argument", () => {
    expect(regent("check", "--format", "xml", "good").stderr).toContain('cli_usage_error: --format must be one of text, json, not "xml"');
    const r = regent("check");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("missing required argument 'paths'");
  });

  it("has --help", () => {
    const r = regent("check", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: regent check [options] <paths...>");
  });
});

describe("files.ts", () => {
  it("finds .rego files recursively in name order, and explicit files of any name", async () => {
    const files = await findRegoFiles([join(dir, "good"), join(dir, "good", "README.md")]);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(["good/a.rego", "good/nested/b.rego", "good/README.md"]);
  });

  it("validates UTF-8 strictly", async () => {
    expect(firstInvalidUtf8(Buffer.from("héllo 😀", "utf8"))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // surrogate
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2); // truncated
    await expect(readUtf8File(join(dir, "bad", "latin1.rego"))).rejects.toMatchObject({ code: "cli_encoding_error" });
  });
});

describe("cli error codes", () => {
  it("are documented in the cli section of docs/errors.md", () => {
    const doc = readFileSync(join(root, "docs", "errors.md"), "utf8");
    const section = doc.slice(doc.indexOf("## cli"));
    for (const code of Object.values(CLI_ERROR_CODES)) expect(section).toContain(`| \`${code}\` |`);
  });
});
