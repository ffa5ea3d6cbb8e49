/**
 * Runs the real benchmark command on a cheap scenario and checks the JSON it writes: the shape
 * every consumer relies on (never the timings, which depend on the machine).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "regent-bench-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function checkRow(row: Record<string, unknown>): void {
  expect(typeof row.name).toBe("string");
  for (const k of ["ops_per_sec", "mean_us", "p50_us", "p99_us"]) {
    expect(row[k] === null || (typeof row[k] === "number" && Number.isFinite(row[k]))).toBe(true);
  }
  expect(Number.isInteger(row.samples)).toBe(true);
  const env = row.env as Record<string, unknown>;
  expect(env.node).toBe(process.version);
  expect(typeof env.cpu).toBe("string");
  expect(Number.isInteger(env.cores) && (env.cores as number) > 0).toBe(true);
  expect(Number.isNaN(Date.parse(env.date as string))).toBe(false);
  if (row.ratio_to !== undefined) {
    const r = row.ratio_to as Record<string, unknown>;
    expect(typeof r.name).toBe("string");
    expect(typeof r.ratio).toBe("number");
  }
}

describe("npm run bench -- --quick", () => {
  it("writes one well-formed row per selected scenario", async () => {
    const out = path.join(tmp, "latest.json");
    const { stdout } = await run("npm", ["run", "--silent", "bench", "--", "--quick", "--only", "jwt/es256", "--out", out], {
      cwd: ROOT,
      timeout: 120_000,
    });
    expect(stdout).toContain("jwt/es256/jose");
    const rows = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>[];
    expect(rows.map((r) => r.name).sort()).toEqual(["jwt/es256/cached", "jwt/es256/first", "jwt/es256/jose"]);
    for (const row of rows) checkRow(row);
    const jose = rows.find((r) => r.name === "jwt/es256/jose")!;
    // A measured row has figures; it is never silently empty.
    expect(jose.skipped).toBeUndefined();
    expect(jose.samples as number).toBeGreaterThan(0);
    expect(jose.ops_per_sec as number).toBeGreaterThan(0);
    expect(jose.p99_us as number).toBeGreaterThanOrEqual(jose.p50_us as number);
    // first and cached need src/identity; when it is present each is compared with the one before it.
    const first = rows.find((r) => r.name === "jwt/es256/first")!;
    const cached = rows.find((r) => r.name === "jwt/es256/cached")!;
    if (first.skipped === undefined) {
      expect((first.ratio_to as { name: string }).name).toBe("jwt/es256/jose");
      expect((cached.ratio_to as { name: string }).name).toBe("jwt/es256/first");
    } else {
      expect(first.skipped).toMatch(/identity/);
      expect(first.ops_per_sec).toBeNull();
    }
  });

  it("refuses an unknown flag and a selection that matches nothing, naming the problem", async () => {
    await expect(run("npm", ["run", "--silent", "bench", "--", "--qiuck"], { cwd: ROOT, timeout: 60_000 })).rejects.toMatchObject({
      stderr: expect.stringContaining('bench_args_error: unknown argument "--qiuck"'),
    });
    await expect(run("npm", ["run", "--silent", "bench", "--", "--only", "no/such/scenario"], { cwd: ROOT, timeout: 60_000 })).rejects.toMatchObject({
      stderr: expect.stringContaining("bench_selection_error"),
    });
  });
});
