/**
 * Starts a server as a child process on a free loopback port, waits until it accepts connections,
 * reads its RSS from /proc, and stops it by its own pid. Servers are bench-local: nothing is left running.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { RegentError } from "../../src/errors.js";
import { BENCH_ERRORS } from "../errors.js";
import { ROOT } from "./pieces.js";

export interface RunningServer {
  name: string;
  port: number;
  pid: number;
  output(): string;
  rssMb(): number | null;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** Spawns `node <nodeArgs...>` (the caller puts the port in them) and waits up to `readyMs` for the port. */
export async function startServer(name: string, nodeArgs: string[], port: number, readyMs: number): Promise<RunningServer> {
  // Output (decision logs included) goes to a file: draining a pipe would cost the bench process CPU.
  const dir = mkdtempSync(path.join(os.tmpdir(), "regent-bench-srv-"));
  const logFile = path.join(dir, "server.log");
  const fd = openSync(logFile, "w");
  const child: ChildProcess = spawn(process.execPath, nodeArgs, { cwd: ROOT, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const out = (): string => {
    try {
      const text = readFileSync(logFile, "utf8");
      return text.slice(-20_000);
    } catch {
      return "";
    }
  };
  let exited: string | undefined;
  child.on("exit", (code, signal) => (exited = signal ? `killed by ${signal}` : `exited with code ${code}`));
  const server: RunningServer = {
    name,
    port,
    pid: child.pid ?? -1,
    output: out,
    rssMb: () => rssMb(child.pid),
    stop: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + readyMs;
  while (Date.now() < deadline) {
    if (exited) break;
    if (await canConnect(port)) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  const tail = out().trim().split("\n").slice(-4).join(" | ");
  await server.stop();
  throw new RegentError(BENCH_ERRORS.process, `${name} did not start listening on 127.0.0.1:${port} (${exited ?? `not ready after ${readyMs} ms`}): ${tail}`);
}

function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Samples the RSS every `everyMs` while `work` runs and returns the peak. */
export async function peakRssDuring<T>(server: RunningServer, everyMs: number, work: () => Promise<T>): Promise<{ value: T; peakMb: number | null }> {
  let peak: number | null = server.rssMb();
  const timer = setInterval(() => {
    const v = server.rssMb();
    if (v !== null && (peak === null || v > peak)) peak = v;
  }, everyMs);
  try {
    const value = await work();
    return { value, peakMb: peak };
  } finally {
    clearInterval(timer);
  }
}
