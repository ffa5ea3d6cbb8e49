// `regent eval`: compiles policies and a query to wasm and prints what `opa eval` prints.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runEval } from "../../src/cli/eval.js";

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "regent-eval-"));
  writeFileSync(join(dir, "authz.rego"), "package authz\n\ndefault allow := false\n\nallow if input.user in data.admins\n");
  writeFileSync(join(dir, "data.json"), JSON.stringify({ admins: ["ann"] }));
  writeFileSync(join(dir, "input.json"), JSON.stringify({ user: "ann" }));
  return dir;
}

describe("regent eval", () => {
  it("prints a data reference's value in opa eval's shape", async () => {
    const dir = workspace();
    const r = await runEval("data.authz.allow", { data: ["authz.rego", "data.json"], input: "input.json" }, dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      result: [{ expressions: [{ value: true, text: "data.authz.allow", location: { row: 1, col: 1 } }] }],
    });
  });

  it("prints bindings for a query with variables, and {} when undefined", async () => {
    const dir = workspace();
    const r = await runEval("x := data.admins[i]", { data: ["data.json"] }, dir);
    expect(JSON.parse(r.stdout).result[0].bindings).toEqual({ i: 0, x: "ann" });
    const u = await runEval("data.nothing.here", { data: ["data.json"] }, dir);
    expect(JSON.parse(u.stdout)).toEqual({});
  });

  it("prints the value of any expression, as opa eval does, not just true", async () => {
    const dir = workspace();
    writeFileSync(join(dir, "q.json"), JSON.stringify({ user: "ann", xs: [1, 2, 3] }));
    const values = async (q: string) =>
      (JSON.parse((await runEval(q, { input: "q.json" }, dir)).stdout).result ?? []).map((r: { expressions: { value: unknown }[]; bindings?: unknown }) => [
        r.expressions.map((e) => e.value),
        r.bindings,
      ]);
    expect(await values("input.user")).toEqual([[["ann"], undefined]]);
    expect(await values("1 + 1")).toEqual([[[2], undefined]]);
    expect(await values("count(input.xs)")).toEqual([[[3], undefined]]);
    expect(await values("[1, 2][_]")).toEqual([[[1], undefined], [[2], undefined]]);
    expect(await values("x := input.xs[_]; x > 2")).toEqual([[[true, true], { x: 3 }]]);
    expect(await values("input.nope")).toEqual([]);
    expect(await values("count(input.xs) > 5")).toEqual([]);
    expect((await runEval("input.user", { input: "q.json", format: "pretty" }, dir)).stdout).toBe('"ann"\n');
  });

  it("reports compile errors with their location and exits 1", async () => {
    const dir = workspace();
    writeFileSync(join(dir, "bad.rego"), "package bad\n\np if { x > 1 }\n");
    const r = await runEval("data.bad.p", { data: ["bad.rego"] }, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad.rego:3:8: rego_unsafe_var_error: var x is unsafe");
  });

  it("reports a missing input file and a non-JSON input", async () => {
    const dir = workspace();
    expect((await runEval("data.authz.allow", { data: ["authz.rego"], input: "missing.json" }, dir)).stderr).toMatch(/missing\.json: no such file/);
    writeFileSync(join(dir, "bad.json"), "{nope");
    expect((await runEval("data.authz.allow", { data: ["authz.rego"], input: "bad.json" }, dir)).stderr).toMatch(/not a JSON document/);
  });
});
