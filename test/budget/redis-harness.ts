/**
 * Real Redis for the budget tests: a `redis-server` on a free loopback port, or a three-node
 * Redis Cluster made with `redis-cli --cluster create`. No mocks. Missing binaries fail with a
 * message that says how to install them (CI installs them in .ci/run); tests never skip.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "../authz/harness.js";

export function requireRedisBinaries(): void {
  for (const bin of ["redis-server", "redis-cli"]) {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
    if (r.error || r.status !== 0)
      throw new Error(`${bin} is not installed: these tests need a real Redis. Install it with \`apt-get install -y redis-server redis-tools\` (.ci/run does).`);
  }
}

export interface RedisNode {
  port: number;
  url: string;
  proc: ChildProcess;
  /** The server's working folder (cluster config), removed by stopRedis. */
  dir: string;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts a new server on the same port (after kill), empty. */
  restart(): Promise<void>;
}

/** Polls until `fn` resolves true; the only waiting tool here (no fixed sleeps). */
export async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function ping(port: number): Promise<boolean> {
  const c = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  c.on("error", () => undefined);
  try {
    await c.connect();
    return (await c.ping()) === "PONG";
  } finally {
    c.disconnect();
  }
}

export async function startRedis(extra: string[] = [], port?: number): Promise<RedisNode> {
  requireRedisBinaries();
  const p = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "regent-redis-"));
  const launch = (): ChildProcess => {
    const proc = spawn("redis-server", ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...extra], { stdio: "ignore" });
    return proc;
  };
  const node: RedisNode = {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    proc: launch(),
    dir,
    async kill() {
      const exited = new Promise<void>((r) => (node.proc.exitCode !== null || node.proc.signalCode !== null ? r() : node.proc.once("exit", () => r())));
      node.proc.kill("SIGKILL");
      await exited;
    },
    async restart() {
      node.proc = launch();
      await waitUntil(`redis on ${p}`, () => ping(p));
    },
  };
  await waitUntil(`redis on ${p}`, () => ping(p));
  return node;
}

export async function stopRedis(...nodes: (RedisNode | undefined)[]): Promise<void> {
  for (const n of nodes) {
    if (!n) continue;
    if (n.proc.exitCode === null && n.proc.signalCode === null) await n.kill();
    rmSync(n.dir, { recursive: true, force: true });
  }
}

export interface RedisClusterNodes {
  nodes: RedisNode[];
  seeds: string[];
}

export async function startRedisCluster(): Promise<RedisClusterNodes> {
  requireRedisBinaries();
  const nodes: RedisNode[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    // A relative config file lands in the node's own --dir, which stopRedis removes.
    nodes.push(await startRedis(["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "5000"], port));
  }
  const seeds = nodes.map((n) => `127.0.0.1:${n.port}`);
  const r = spawnSync("redis-cli", ["--cluster", "create", ...seeds, "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`redis-cli --cluster create failed: ${r.stdout}\n${r.stderr}`);
  for (const n of nodes)
    await waitUntil(`cluster_state:ok on ${n.port}`, async () => {
      const info = spawnSync("redis-cli", ["-p", String(n.port), "cluster", "info"], { encoding: "utf8" });
      return /cluster_state:ok/.test(info.stdout);
    });
  return { nodes, seeds };
}

