/**
 * A real OCI registry for tests: Debian's `docker-registry` (distribution 2.8) started on a free
 * loopback port with a temp config, filesystem storage and htpasswd auth made by `htpasswd -B`.
 * A missing binary fails the test with the package to install; it never skips.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Registry {
  host: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

function findBinary(name: string): string {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(`${name} is not installed: the OCI tests need a real registry. Install it with \`apt-get install -y docker-registry apache2-utils\` (.ci/run does).`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export async function startRegistry(username = "ci", password = "publish-secret"): Promise<Registry> {
  const registry = findBinary("docker-registry");
  const htpasswd = findBinary("htpasswd");
  const dir = mkdtempSync(join(tmpdir(), "regent-registry-"));
  writeFileSync(join(dir, "htpasswd"), execFileSync(htpasswd, ["-Bbn", username, password], { encoding: "utf8" }));
  const port = await freePort();
  writeFileSync(
    join(dir, "config.yml"),
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "  accesslog:",
      "    disabled: true",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "  secret: regent-test-secret",
      "auth:",
      "  htpasswd:",
      "    realm: regent-test",
      `    path: ${join(dir, "htpasswd")}`,
      "",
    ].join("\n"),
  );
  const proc: ChildProcess = spawn(registry, ["serve", join(dir, "config.yml")], { stdio: ["ignore", "ignore", "pipe"] });
  const stderr: string[] = [];
  proc.stderr!.on("data", (c: Buffer) => stderr.push(c.toString()));
  let exited = false;
  proc.on("exit", () => (exited = true));
  const host = `127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`docker-registry exited at start: ${stderr.join("")}`);
    const up = await fetch(`http://${host}/v2/`).then((r) => r.status === 401, () => false);
    if (up) break;
    if (Date.now() > until) throw new Error(`docker-registry did not answer on ${host} within 30 s: ${stderr.join("")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    username,
    password,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}
