/**
 * Prepares `regent serve` for the end-to-end benchmark: the AI-gateway bundle built from policies/,
 * a JWKS and a token the sidecar verifies once and then serves from its cache, and a configuration
 * with one worker process (the no-op server is one process too), a tenant budget and decision logs on.
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "../lib/server.js";
import { repoPath } from "../lib/pieces.js";
import { buildAiBundle } from "./bundle.js";
import { BENCH_AUDIENCE, BENCH_ISSUER, benchRequest } from "./request.js";

export type RegentSetup =
  | { ok: true; frame: Buffer; describe: string; args(port: number): string[] }
  | { ok: false; frame: Buffer; why: string };

export async function prepareRegent(dir: string, log: (m: string) => void): Promise<RegentSetup> {
  const req = await benchRequest(dir);
  if (!existsSync(repoPath("src/cli/serve.ts"))) return { ok: false, frame: req.frame, why: "src/cli/serve.ts is not there yet" };
  log("building the ai-gateway bundle for regent serve");
  const built = await buildAiBundle();
  if (!built.ok) return { ok: false, frame: req.frame, why: built.why };
  const bundleFile = path.join(dir, "ai-gateway.tar.gz");
  writeFileSync(bundleFile, built.bytes);
  const adminPort = await freePort();
  const config = {
    server: { admin_addr: `127.0.0.1:${adminPort}`, workers: 1 },
    policy: { decision_path: "envoy/authz/allow" },
    bundle: { source: bundleFile, persist_dir: path.join(dir, "persist") },
    identity: { jwks_file: req.jwksFile, issuer: [BENCH_ISSUER], audience: [BENCH_AUDIENCE], algorithms: ["ES256"] },
    // A budget far above what a run spends, so every request pays for a reservation and none is refused.
    budget: { scope: "tenant", default_limit: 1_000_000_000_000, window_seconds: 86_400 },
    decision_log: { enabled: true, level: "info" },
  };
  const configFile = path.join(dir, "regent.yaml");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return {
    ok: true,
    frame: req.frame,
    describe: `bundle ${built.bytes.byteLength} bytes, workers 1, ES256 token, tenant budget, decision log on`,
    args: (port) => ["--import", "tsx", "bench/e2e/launch-regent.ts", "serve", "--config", configFile, "--addr", `127.0.0.1:${port}`],
  };
}
