/**
 * Fault injection on a real `regent serve`: a key removed from a JWKS served over HTTP (its
 * tokens, cached or new, refused within one refresh), the JWKS down and back, a worker killed
 * and SIGTERM, both under a steady stream of Checks. No answer may ever be an allow the policy
 * did not make; Checks in flight on a killed worker may fail at the transport, nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestIdp, authzClient, buildBundle, checkRequest, compilePolicy, sleep, startRegent, tempDir, type Regent } from "../authz/harness.js";
import { pathBundle } from "./lib.js";

const AUTHN_POLICY = 'package envoy.authz\n\ndefault allow := false\n\nallow if {\n\tinput.identity.authenticated\n\tinput.parsed_path[0] == "ok"\n}\n';

/** Polls a condition (no fixed waits): Checks until `pred` holds or the deadline passes. */
async function until(what: string, pred: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(100);
  }
}

describe("JWKS faults", () => {
  let idp: TestIdp;
  let served: string[] = ["k1", "k2"];
  let down = false;
  let server: Server;
  let regent: Regent;

  beforeAll(async () => {
    idp = await TestIdp.create(["k1", "k2", "k3"]);
    server = createServer((_req, res) => {
      if (down) return void res.writeHead(503).end("down");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(idp.jwks(served)));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
    const dir = tempDir();
    const bundle = join(dir, "b.tar.gz");
    writeFileSync(bundle, await buildBundle({ wasm: await compilePolicy([{ path: "p.rego", source: AUTHN_POLICY }]), data: {}, revision: "j1" }));
    const config = join(dir, "regent.yaml");
    writeFileSync(config, "identity: {jwks_cache_seconds: 2, jwks_min_refresh_seconds: 1}\n");
    regent = await startRegent(["--config", config, "--bundle", bundle, "--jwks-url", url, "--workers", "1"]);
    await regent.waitReady();
  });

  afterAll(async () => {
    await regent?.stop();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  const code = async (token: string, path = "/ok/x"): Promise<number> =>
    (await regent.client.check(checkRequest({ path, headers: { authorization: `Bearer ${token}` } }))).status.code;

  it("refuses a removed key's cached and new tokens within one refresh, and keeps the others", async () => {
    const t1 = await idp.token({ sub: "a" }, { kid: "k1" });
    const t2 = await idp.token({ sub: "b" }, { kid: "k2" });
    expect(await code(t1)).toBe(0);
    expect(await code(t2)).toBe(0); // now cached
    served = ["k1"];
    // The cached k2 token keeps being sent; the next refresh (cache age 2 s) must end it.
    await until("the cached k2 token is refused", async () => (await code(t2)) === 16 || (await code(t2)) === 7);
    const fresh = await idp.token({ sub: "c" }, { kid: "k2" });
    expect(await code(fresh)).not.toBe(0);
    expect(await code(t1)).toBe(0);
    const line = await regent.waitFor((l) => l.msg === "decision" && l.auth_reason === "unknown_key");
    expect(line.result).toBe("deny");
  });

  it("keeps the last key set while the JWKS is down, and takes a new key once it is back", async () => {
    const t1 = await idp.token({ sub: "a2" }, { kid: "k1" });
    const t3 = await idp.token({ sub: "d" }, { kid: "k3" });
    down = true;
    // Stale but kept: k1 tokens still verify while every refresh fails.
    for (let i = 0; i < 5; i++) expect(await code(await idp.token({ sub: `x${i}` }, { kid: "k1" }))).toBe(0);
    expect(await code(t3)).not.toBe(0); // unknown, and the source is down
    served = ["k1", "k3"];
    down = false;
    await until("the k3 token verifies after the JWKS is back", async () => (await code(t3)) === 0);
    expect(await code(t1)).toBe(0);
  });
});

describe("process faults under load", () => {
  let regent: Regent;
  beforeAll(async () => {
    const dir = tempDir();
    const bundle = join(dir, "b.tar.gz");
    writeFileSync(bundle, await pathBundle("w1"));
    regent = await startRegent(["--bundle", bundle, "--workers", "2"]);
    await regent.waitReady();
  });
  afterAll(async () => {
    await regent?.stop("SIGKILL");
  });

  /** Checks from several connections until stopped; counts answers, transport failures and wrong answers. */
  function load() {
    const clients = Array.from({ length: 4 }, () => authzClient(regent.grpcAddr, undefined, { "grpc.use_local_subchannel_pool": 1 }));
    const tally = { answered: 0, transport: 0, wrong: 0 };
    let running = true;
    const loops = clients.map(async (c, k) => {
      for (let i = 0; running; i++) {
        const ok = (i + k) % 2 === 0;
        try {
          const r = await c.check(checkRequest({ path: ok ? "/ok/y" : "/no" }), 5000);
          tally.answered++;
          if (r.status.code !== (ok ? 0 : 7)) tally.wrong++;
        } catch {
          tally.transport++;
          await sleep(20);
        }
      }
    });
    return {
      tally,
      async stop() {
        running = false;
        await Promise.all(loops);
        for (const c of clients) c.close();
      },
    };
  }

  it("a worker killed under load is replaced; no answer is ever wrong", async () => {
    const l = load();
    await until("some answers", async () => l.tally.answered > 50);
    const victim = (await regent.waitFor((x) => x.msg === "decision")).pid as number;
    process.kill(victim, "SIGKILL");
    await regent.waitFor((x) => x.msg === "worker died; starting a new one");
    await regent.waitReady();
    const after = l.tally.answered;
    await until("answers continue after the replacement", async () => l.tally.answered > after + 100);
    await l.stop();
    expect(l.tally.wrong).toBe(0);
    console.log(JSON.stringify({ test: "worker-killed", ...l.tally }));
  });

  it("SIGTERM under load: the sidecar drains and exits 0; no answer is ever wrong", async () => {
    const l = load();
    await until("some answers", async () => l.tally.answered > 50);
    const code = await regent.stop("SIGTERM");
    await l.stop();
    expect(code).toBe(0);
    expect(l.tally.wrong).toBe(0);
    console.log(JSON.stringify({ test: "sigterm-under-load", ...l.tally }));
  });
});
