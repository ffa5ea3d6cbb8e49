/**
 * `regent serve --workers 2`: a primary and two worker processes on one gRPC port. Checks
 * reach both workers, a token budget is one counter across them, metrics are summed, the
 * bundle reaches every worker before /health says ready, and SIGTERM stops them all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, TestIdp, authzClient, buildBundle, checkRequest, compilePolicy, fromStruct, freePort, requireBuild, startRegent, tempDir, type Regent } from "./harness.js";

let regent: Regent;
let idp: TestIdp;

beforeAll(async () => {
  requireBuild();
  idp = await TestIdp.create();
  const dir = tempDir();
  const wasm = await compilePolicy([{ path: "echo.rego", source: readFileSync(join(ROOT, "test/authz/fixtures/echo.rego"), "utf8") }]);
  writeFileSync(join(dir, "b.tar.gz"), await buildBundle({ wasm, data: { meta: { revision: "c1" } }, revision: "c1" }));
  idp.writeJwks(join(dir, "jwks.json"));
  writeFileSync(
    join(dir, "regent.yaml"),
    `identity:\n  jwks_file: ${join(dir, "jwks.json")}\n  audience: ${idp.audience}\nbudget:\n  scope: tenant\n  default_limit: 100\n  window_seconds: 600\n`,
  );
  const port = await freePort();
  regent = await startRegent(["--workers", "2", "--config", join(dir, "regent.yaml"), "--bundle", join(dir, "b.tar.gz"), "--addr", `127.0.0.1:${port}`]);
  await regent.waitReady(30_000);
}, 120_000);

afterAll(async () => {
  await regent?.stop();
});

describe("cluster mode", () => {
  it("spreads checks over the workers and keeps one budget across them", async () => {
    const clients = Array.from({ length: 8 }, () => authzClient(regent.grpcAddr, undefined, { "grpc.use_local_subchannel_pool": 1 }));
    const headers = { authorization: `Bearer ${await idp.token({ sub: "u", tenant: "shared" })}`, "content-type": "application/json" };
    const results = await Promise.all(
      clients.map((c) => c.check(checkRequest({ method: "POST", path: "/spend", headers, body: JSON.stringify({ max_tokens: 30 }) }))),
    );
    const allowed = results.filter((r) => r.status.code === 0).length;
    expect(allowed).toBe(3); // 3 × 30 ≤ 100 < 4 × 30, whichever worker answered
    const denied = results.find((r) => r.status.code !== 0);
    expect(denied.deniedResponse.status.code).toBe("TooManyRequests");
    // input.budget is the snapshot before this request's reservation; the next request sees all three.
    const after = await clients[0]!.check(checkRequest({ method: "POST", path: "/spend", headers, body: JSON.stringify({ max_tokens: 1 }) }));
    expect(fromStruct(after.dynamicMetadata).budget).toMatchObject({ key: "tenant:shared", remaining: 10 });
    await Promise.all(clients.map((c) => c.check(checkRequest({ path: "/bool" }))));
    for (const c of clients) c.close();
    await regent.waitFor((l) => l.msg === "decision" && l.path === "/bool");
    const pids = new Set(regent.lines.filter((l) => l.msg === "decision").map((l) => l.pid));
    expect(pids.size).toBe(2);
    const metrics = (await regent.admin("/metrics")).body;
    const total = [...metrics.matchAll(/^regent_decisions_total\{result="\w+"\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(total).toBe(17);
    expect(metrics).toMatch(/regent_bundle_info\{revision="c1"\} 1/);
    expect((await regent.admin("/health?bundles")).json().bundles).toMatchObject({ active_revision: "c1", workers: 2 });
  });

  it("replaces a worker that dies and hands it the active bundle", async () => {
    const victim = regent.lines.find((l) => l.msg === "decision")!.pid as number;
    process.kill(victim, "SIGKILL");
    await regent.waitFor((l) => l.msg === "worker died; starting a new one" && typeof l.worker === "number");
    await regent.waitReady(60_000);
    const clients = Array.from({ length: 6 }, () => authzClient(regent.grpcAddr, undefined, { "grpc.use_local_subchannel_pool": 1 }));
    const results = await Promise.all(clients.map((c) => c.check(checkRequest({ path: "/bool" }))));
    for (const c of clients) c.close();
    expect(results.every((r) => r.status.code === 0)).toBe(true);
  });

  it("stops every process on SIGTERM", async () => {
    expect(await regent.stop("SIGTERM")).toBe(0);
  });
});
