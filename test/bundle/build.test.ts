/**
 * buildBundle end to end with the real compiler: reproducible bytes, bundle.yaml settings,
 * roots checks, METADATA entrypoints, revisions (flag, bundle.yaml, git), and a built bundle
 * that evaluates in the published opa-wasm SDK.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildBundle, parseBundleDefinition } from "../../src/bundle/build.js";
import { readBundle } from "../../src/bundle/fs.js";
import { RegentErrors } from "../../src/errors.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "regent-build-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(rel: string, text: string): Promise<void> {
  await mkdir(join(dir, rel, ".."), { recursive: true });
  await writeFile(join(dir, rel), text);
}

const AUTHZ = `package app.authz

default allow := false

allow if {
	input.user in data.app.admins
}

# METADATA
# entrypoint: true
reason := "admin" if allow
`;

describe("buildBundle", () => {
  it("builds the same bytes twice, and the bundle evaluates in the opa-wasm SDK", async () => {
    await put("policies/authz.rego", AUTHZ);
    await put("policies/authz_test.rego", "package app.authz\n\ntest_x if allow with input.user as \"a\"\n");
    await put("data/app/data.json", '{"admins": ["alice"]}');
    const opts = { paths: ["policies"], entrypoints: ["app/authz/allow"], data: ["data"], cwd: dir, git: false };
    const a = await buildBundle(opts);
    const b = await buildBundle(opts);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(a.summary.entrypoints).toEqual(["app/authz/allow", "app/authz/reason"]);
    expect(a.summary.files.map((f) => f.path)).toEqual([".manifest", "data.json", "policies/authz.rego", "policy.wasm"]);

    const back = await readBundle(a.bytes);
    expect(back.manifest).toMatchObject({ revision: "", roots: [""], rego_version: 1 });
    expect(back.wasm.map((w) => w.entrypoint)).toEqual(["app/authz/allow", "app/authz/reason"]);
    const policy = await loadPolicy(back.wasm[0].bytes);
    policy.setData(back.data);
    expect(policy.evaluate({ user: "alice" }, "app/authz/allow")).toEqual([{ result: true }]);
    expect(policy.evaluate({ user: "mallory" }, "app/authz/allow")).toEqual([{ result: false }]);
    expect(policy.evaluate({ user: "alice" }, "app/authz/reason")).toEqual([{ result: "admin" }]);
  });

  it("builds from a bundle definition folder: roots, entrypoints, metadata, revision, data beside bundle.yaml", async () => {
    await put("policies/authz.rego", AUTHZ);
    await put("bundles/app/bundle.yaml", "roots: [app]\nentrypoints: [app/authz/allow]\nrevision: v1.2.3\nmetadata:\n  owner: security\npolicies: [../../policies]\n");
    await put("bundles/app/app/data.yaml", "admins: [alice]\n");
    const r = await buildBundle({ bundle: "bundles/app", cwd: dir });
    expect(r.summary).toMatchObject({ revision: "v1.2.3", roots: ["app"] });
    expect(r.bundle.manifest.metadata).toEqual({ owner: "security" });
    expect(r.bundle.data).toEqual({ app: { admins: ["alice"] } });
    // --revision wins over bundle.yaml.
    expect((await buildBundle({ bundle: "bundles/app", cwd: dir, revision: "ci-42" })).summary.revision).toBe("ci-42");
  });

  it("refuses a policy, data or entrypoint outside the roots", async () => {
    await put("policies/authz.rego", AUTHZ);
    await put("other/x.rego", "package other\n\np := 1\n");
    await put("bundles/app/bundle.yaml", "roots: [app]\nentrypoints: [app/authz/allow]\n");
    await expect(buildBundle({ bundle: "bundles/app", paths: ["policies", "other"], cwd: dir, git: false })).rejects.toMatchObject({
      code: "bundle_roots_error",
      message: expect.stringMatching(/other\/x\.rego: package other is outside the bundle roots \["app"\]/),
    });
    await put("bundles/app/elsewhere/data.json", '{"x": 1}');
    await expect(buildBundle({ bundle: "bundles/app", paths: ["policies"], cwd: dir, git: false })).rejects.toMatchObject({ code: "bundle_roots_error", message: expect.stringMatching(/data at \/elsewhere is outside/) });
  });

  it("takes the revision from git describe --always --dirty in a repository", async () => {
    await put("policies/authz.rego", AUTHZ);
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, stdio: "pipe" }).toString().trim();
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "x");
    const head = git("rev-parse", "--short", "HEAD");
    const r = await buildBundle({ paths: ["policies"], entrypoints: ["app/authz/allow"], cwd: dir });
    expect(r.summary.revision).toBe(head);
    await put("policies/authz.rego", AUTHZ + "\n");
    expect((await buildBundle({ paths: ["policies"], entrypoints: ["app/authz/allow"], cwd: dir })).summary.revision).toBe(`${head}-dirty`);
  });

  it("reports compile errors as RegentErrors with locations", async () => {
    await put("policies/bad.rego", "package app\n\nallow if {\n\tx == 1\n}\n");
    const err = await buildBundle({ paths: ["policies"], entrypoints: ["app/allow"], cwd: dir, git: false }).catch((e) => e);
    expect(err).toBeInstanceOf(RegentErrors);
    expect(String(err.errors[0])).toMatch(/policies\/bad\.rego:4:\d+: rego_unsafe_var_error/);
  });

  it("reports missing inputs and bad bundle.yaml clearly", async () => {
    await expect(buildBundle({ paths: ["nope"], cwd: dir })).rejects.toMatchObject({ code: "bundle_io_error", message: expect.stringMatching(/input .*nope: no such file/) });
    await mkdir(join(dir, "b"));
    await expect(buildBundle({ bundle: "b", cwd: dir })).rejects.toMatchObject({ code: "bundle_build_error", message: expect.stringMatching(/has no bundle\.yaml/) });
    expect(() => parseBundleDefinition("root: [a]\n", "bundle.yaml")).toThrowError(/unknown key "root"/);
    expect(() => parseBundleDefinition("roots: a\n", "bundle.yaml")).toThrowError(/"roots" must be a list of strings/);
  });
});
