/**
 * The gRPC edge in-process, with a real grpc-js client: Unix sockets, TLS and mTLS with the
 * SPIFFE ID taken from the client certificate, health, a crashing handler and an unencodable
 * response both answered with the configured denial. Certificates come from openssl.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AuthzServer, spiffeIdOf } from "../../src/authz/server.js";
import type { CallContext } from "../../src/authz/check.js";
import { loadProtos } from "../../src/authz/proto.js";
import { authzClient, tempDir } from "./harness.js";

const dir = tempDir("regent-tls-");
const f = (n: string) => join(dir, n);
const servers: AuthzServer[] = [];

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { stdio: "ignore" });
}

beforeAll(() => {
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "1", "-subj", "/CN=test-ca");
  writeFileSync(f("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=localhost");
  openssl("x509", "-req", "-in", f("server.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("server.pem"), "-days", "1", "-extfile", f("server.ext"));
  writeFileSync(f("client.ext"), "subjectAltName=URI:spiffe://cluster.local/ns/app/sa/frontend,DNS:frontend\n");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f("client.key"), "-out", f("client.csr"), "-subj", "/CN=frontend");
  openssl("x509", "-req", "-in", f("client.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("client.pem"), "-days", "1", "-extfile", f("client.ext"));
}, 60_000);

afterAll(async () => {
  for (const s of servers) await s.shutdown(100);
});

async function serve(check: (req: unknown, ctx?: CallContext) => Promise<any>, addr = "127.0.0.1:0", tls = { require_client_cert: false } as any) {
  const s = new AuthzServer({ addr, tls, check, failStatus: 403 });
  servers.push(s);
  return { server: s, addr: await s.start() };
}

describe("AuthzServer", () => {
  it("serves Check on a Unix socket and reports health", async () => {
    const sock = f("regent.sock");
    const { server, addr } = await serve(async () => ({ status: { code: 0 }, okResponse: {} }), `unix:${sock}`);
    const c = authzClient(addr);
    expect(await c.health()).toEqual({ status: "NOT_SERVING" });
    server.setServing(true);
    expect(await c.health()).toEqual({ status: "SERVING" });
    expect(await c.health("envoy.service.auth.v3.Authorization")).toEqual({ status: "SERVING" });
    await expect(c.health("some.Other")).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    expect(await c.check({})).toEqual({ status: { code: 0 }, okResponse: {} });
    c.close();
  });

  it("streams health changes to Watch callers", async () => {
    const { server, addr } = await serve(async () => ({ status: { code: 0 } }));
    const root = loadProtos().root as any;
    const health = new root.grpc.health.v1.Health(addr, grpc.credentials.createInsecure());
    const seen: string[] = [];
    const stream = health.Watch({ service: "" });
    stream.on("error", () => undefined); // cancel() below ends the stream with CANCELLED
    const got = (n: number) => new Promise<void>((res) => stream.on("data", (m: { status: string }) => (seen.push(m.status), seen.length >= n && res())));
    const two = got(2);
    await new Promise((r) => setTimeout(r, 100));
    server.setServing(true);
    await two;
    expect(seen).toEqual(["NOT_SERVING", "SERVING"]);
    stream.cancel();
    health.close();
  });

  it("answers the configured denial when the handler crashes or the response cannot be encoded", async () => {
    let mode = "crash";
    const { addr } = await serve(async () => {
      if (mode === "crash") throw new Error("boom");
      return { status: { code: 0 }, dynamicMetadata: { fields: { a: { structValue: "not a struct" } } } };
    });
    const c = authzClient(addr);
    const crashed = await c.check({});
    expect(crashed.status.code).toBe(7);
    expect(crashed.deniedResponse.status.code).toBe("Forbidden");
    mode = "garbage";
    const garbage = await c.check({});
    expect(garbage.deniedResponse.status.code).toBe("Forbidden");
    c.close();
  });

  it("speaks mTLS and passes the client's SPIFFE ID to the handler", async () => {
    let seen: CallContext | undefined;
    const { addr } = await serve(
      async (_req, ctx) => {
        seen = ctx;
        return { status: { code: 0 }, okResponse: {} };
      },
      "127.0.0.1:0",
      { cert_file: f("server.pem"), key_file: f("server.key"), client_ca_file: f("ca.pem"), require_client_cert: true },
    );
    const port = addr.split(":").pop();
    const creds = grpc.credentials.createSsl(readFileSync(f("ca.pem")), readFileSync(f("client.key")), readFileSync(f("client.pem")));
    const c = authzClient(`localhost:${port}`, creds);
    expect((await c.check({})).status.code).toBe(0);
    expect(seen).toEqual({ peerSpiffeId: "spiffe://cluster.local/ns/app/sa/frontend" });
    c.close();
    // Without a client certificate the handshake fails: mTLS is required.
    const anon = authzClient(`localhost:${port}`, grpc.credentials.createSsl(readFileSync(f("ca.pem"))));
    await expect(anon.check({}, 3000)).rejects.toBeTruthy();
    anon.close();
  });

  it("never deletes a regular file given as the socket path", async () => {
    const file = f("not-a-socket.txt");
    writeFileSync(file, "keep me");
    const s = new AuthzServer({ addr: `unix:${file}`, tls: { require_client_cert: false }, check: async () => ({ status: { code: 0 } }), failStatus: 403 });
    await expect(s.start()).rejects.toMatchObject({ code: "authz_listen_error" });
    expect(readFileSync(file, "utf8")).toBe("keep me");
  });

  it("refuses unreadable TLS files with a clear error", async () => {
    const s = new AuthzServer({ addr: "127.0.0.1:0", tls: { cert_file: f("nope.pem"), key_file: f("server.key"), require_client_cert: false }, check: async () => ({ status: { code: 0 } }), failStatus: 403 });
    await expect(s.start()).rejects.toMatchObject({ code: "authz_tls_error", message: expect.stringContaining("nope.pem") });
  });
});

describe("spiffeIdOf", () => {
  it("takes the first spiffe URI SAN", () => {
    expect(spiffeIdOf("DNS:a, URI:https://x, URI:spiffe://td/ns/a/sa/b")).toBe("spiffe://td/ns/a/sa/b");
    expect(spiffeIdOf("DNS:a")).toBeUndefined();
    expect(spiffeIdOf(undefined)).toBeUndefined();
  });
});
