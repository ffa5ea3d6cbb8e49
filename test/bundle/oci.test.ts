/**
 * OCI publishing: reference, challenge and manifest parsing; push and pull against a real
 * registry (docker-registry with htpasswd auth) byte for byte, by tag and by digest; the Bearer
 * token flow (a token-issuing proxy in front of the registry); and hostile registries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { generateKeyPairSync } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signBundle, writeBundle } from "../../src/bundle/index.js";
import { OciClient } from "../../src/bundle/oci.js";
import {
  buildBundleManifest, bundleConfig, OCI_LAYER_TYPE, parseBundleManifest, parseChallenge, parseOciReference, sha256Digest,
} from "../../src/bundle/oci-format.js";
import { runPush } from "../../src/cli/push.js";
import { runPull } from "../../src/cli/pull.js";
import { sampleBundle } from "./fixtures.js";
import { startRegistry, type Registry } from "./registry.js";

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));
const privPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;

async function signedBundle(revision: string): Promise<Uint8Array> {
  const b = sampleBundle();
  const manifest = JSON.parse(new TextDecoder().decode(b.files.get(".manifest")!));
  b.files.set(".manifest", enc({ ...manifest, revision }));
  b.manifest.revision = revision;
  return writeBundle(await signBundle(b, { key: privPem, alg: "RS256", keyId: "ci-2026" }));
}

describe("oci references, challenges and manifests", () => {
  it("parses tags, digests, ports and nested repositories; loopback speaks HTTP", () => {
    expect(parseOciReference("oci://127.0.0.1:5000/policies/ai:v1")).toMatchObject({ registry: "127.0.0.1:5000", repository: "policies/ai", tag: "v1", baseUrl: "http://127.0.0.1:5000" });
    const d = `sha256:${"a".repeat(64)}`;
    expect(parseOciReference(`oci://registry.example.com/ai@${d}`)).toMatchObject({ repository: "ai", digest: d, tag: undefined, baseUrl: "https://registry.example.com" });
    expect(parseOciReference("oci://registry.example.com/ai")).toMatchObject({ tag: "latest" });
    expect(parseOciReference("oci://registry.example.com/ai:v2", { plainHttp: true }).baseUrl).toBe("http://registry.example.com");
    for (const bad of ["http://x/y:z", "oci://host", "oci://host/UPPER:v1", "oci://host/ai@sha256:abc", "oci://host/ai:bad tag", "oci://ho st/ai:v1"]) {
      let code: string | undefined;
      try {
        parseOciReference(bad);
      } catch (err) {
        code = (err as { code?: string }).code;
      }
      expect(code, bad).toBe("bundle_usage_error");
    }
  });

  it("parses Bearer and Basic challenges", () => {
    expect(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:ai:pull"')).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.example.com/token", service: "registry.example.com", scope: "repository:ai:pull" },
    });
    expect(parseChallenge('Basic realm="regent-test"')).toEqual({ scheme: "basic", params: { realm: "regent-test" } });
  });

  it("builds OPA's manifest and refuses anything that is not one bundle layer", () => {
    const layer = enc("tar.gz bytes");
    const m = parseBundleManifest(buildBundleManifest(bundleConfig(), layer));
    expect(m.layer).toEqual({ mediaType: OCI_LAYER_TYPE, digest: sha256Digest(layer), size: layer.length });
    const good = JSON.parse(new TextDecoder().decode(buildBundleManifest(bundleConfig(), layer)));
    const cases: [unknown, RegExp][] = [
      ["{not json", /not valid JSON/],
      [[1], /not a JSON object/],
      [{ ...good, mediaType: "application/vnd.oci.image.index.v1+json" }, /media type "application\/vnd\.oci\.image\.index\.v1\+json"/],
      [{ ...good, schemaVersion: 1 }, /schemaVersion 1/],
      [{ ...good, layers: [] }, /0 layers of type/],
      [{ ...good, layers: [good.layers[0], good.layers[0]] }, /2 layers of type/],
      [{ ...good, layers: [{ ...good.layers[0], digest: "sha256:zz" }] }, /layers\[0\]\.digest/],
      [{ ...good, config: null }, /config is not an object/],
    ];
    for (const [doc, want] of cases) {
      const bytes = typeof doc === "string" ? enc(doc) : enc(doc);
      expect(() => parseBundleManifest(typeof doc === "string" ? new TextEncoder().encode(doc) : bytes)).toThrow(want);
    }
  });
});

describe("push and pull against a real registry", () => {
  let registry: Registry;
  let dir: string;
  let passwordFile: string;
  beforeAll(async () => {
    registry = await startRegistry();
    dir = mkdtempSync(join(tmpdir(), "regent-oci-"));
    passwordFile = join(dir, "password");
    writeFileSync(passwordFile, registry.password + "\n");
  }, 60_000);
  afterAll(async () => registry?.stop());

  it("pushes a signed bundle and pulls it back byte-identical, by tag and by digest", async () => {
    const bytes = await signedBundle("2026.12.1");
    writeFileSync(join(dir, "b1.tar.gz"), bytes);
    const ref = `oci://${registry.host}/policies/ai-gateway:v1`;
    const pushed = await runPush(join(dir, "b1.tar.gz"), ref, { username: registry.username, passwordFile }, {});
    expect(pushed.stderr).toBe("");
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).not.toContain(registry.password);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed.stdout)![1];

    const byTag = await runPull(ref, { output: join(dir, "tag.tar.gz") }, { REGENT_OCI_USERNAME: registry.username, REGENT_OCI_PASSWORD: registry.password });
    expect(byTag.stderr).toBe("");
    expect(Buffer.compare(readFileSync(join(dir, "tag.tar.gz")), Buffer.from(bytes))).toBe(0);
    const byDigest = await runPull(`oci://${registry.host}/policies/ai-gateway@${digest}`, { username: registry.username, passwordFile, output: join(dir, "digest.tar.gz") }, {});
    expect(byDigest.code).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, "digest.tar.gz")), Buffer.from(bytes))).toBe(0);

    // The manifest is OPA's: one layer of the bundle media type, the config of OPA's config type.
    const client = new OciClient({ credentials: { username: registry.username, password: registry.password } });
    const m = await client.getManifest(parseOciReference(ref));
    expect(m.digest).toBe(digest);
    expect(m.manifest.layer).toMatchObject({ mediaType: OCI_LAYER_TYPE, digest: sha256Digest(bytes), size: bytes.length });
    expect(m.manifest.config.mediaType).toBe("application/vnd.oci.image.config.v1+json");
    expect(await client.resolveDigest(parseOciReference(ref))).toBe(digest);
  }, 60_000);

  it("moves a tag to a new revision; the old digest still pulls the old bundle", async () => {
    const ref = `oci://${registry.host}/policies/moving:stable`;
    const creds = { username: registry.username, passwordFile };
    writeFileSync(join(dir, "m1.tar.gz"), await signedBundle("m1"));
    writeFileSync(join(dir, "m2.tar.gz"), await signedBundle("m2"));
    const d1 = /digest: (\S+)/.exec((await runPush(join(dir, "m1.tar.gz"), ref, creds, {})).stdout)![1];
    const d2 = /digest: (\S+)/.exec((await runPush(join(dir, "m2.tar.gz"), ref, creds, {})).stdout)![1];
    expect(d1).not.toBe(d2);
    expect((await runPull(ref, { ...creds, output: join(dir, "now.tar.gz") }, {})).stdout).toContain("pulled bundle m2");
    expect((await runPull(`oci://${registry.host}/policies/moving@${d1}`, { ...creds, output: join(dir, "then.tar.gz") }, {})).stdout).toContain("pulled bundle m1");
  }, 60_000);

  it("refuses missing and wrong credentials with bundle_auth_error, naming no password", async () => {
    writeFileSync(join(dir, "a.tar.gz"), await signedBundle("a1"));
    const none = await runPush(join(dir, "a.tar.gz"), `oci://${registry.host}/policies/x:v1`, {}, {});
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/bundle_auth_error: .*wants a username and password/);
    writeFileSync(join(dir, "wrong"), "not-the-password");
    const wrong = await runPull(`oci://${registry.host}/policies/ai-gateway:v1`, { username: registry.username, passwordFile: join(dir, "wrong"), output: join(dir, "x.tar.gz") }, {});
    expect(wrong.stderr).toMatch(/bundle_auth_error: .*refused the credentials/);
    expect(wrong.stderr).not.toContain("not-the-password");
    const unknown = await runPull(`oci://${registry.host}/policies/ai-gateway:nope`, { username: registry.username, passwordFile, output: join(dir, "x.tar.gz") }, {});
    expect(unknown.stderr).toMatch(/bundle_oci_error: GET .*:nope answered 404: MANIFEST_UNKNOWN/);
  }, 60_000);

  it("is wired into the regent command line (push, then pull, in real processes)", async () => {
    const bin = join(import.meta.dirname, "..", "..", "bin", "regent.js");
    writeFileSync(join(dir, "cli.tar.gz"), await signedBundle("cli-1"));
    const env = { ...process.env, REGENT_OCI_USERNAME: registry.username, REGENT_OCI_PASSWORD: registry.password };
    const ref = `oci://${registry.host}/policies/cli:v1`;
    const push = spawnSync(process.execPath, [bin, "push", join(dir, "cli.tar.gz"), ref], { env, encoding: "utf8" });
    expect(push.stderr).toBe("");
    expect(push.status).toBe(0);
    const pull = spawnSync(process.execPath, [bin, "pull", ref, "-o", join(dir, "cli-back.tar.gz")], { env, encoding: "utf8" });
    expect(pull.status).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, "cli-back.tar.gz")), readFileSync(join(dir, "cli.tar.gz")))).toBe(0);
    const denied = spawnSync(process.execPath, [bin, "pull", ref, "-o", join(dir, "x.tar.gz")], { env: { ...process.env, REGENT_OCI_USERNAME: "", REGENT_OCI_PASSWORD: "" }, encoding: "utf8" });
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(/^bundle_auth_error: /);
  }, 60_000);

  it("refuses to push something that is not a bundle", async () => {
    writeFileSync(join(dir, "junk.tar.gz"), "not a bundle");
    const res = await runPush(join(dir, "junk.tar.gz"), `oci://${registry.host}/policies/junk:v1`, { username: registry.username, passwordFile }, {});
    expect(res.stderr).toMatch(/bundle_format_error/);
  });

  it("gets a Bearer token from the realm of the challenge and uses it (token proxy in front of the registry)", async () => {
    const issued = "tok-" + Math.random().toString(36).slice(2);
    const basic = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString("base64")}`;
    const scopes: string[] = [];
    const proxy = createServer(async (req, res) => {
      const url = new URL(req.url!, "http://x");
      if (url.pathname === "/token") {
        scopes.push(url.searchParams.get("scope") ?? "");
        if (req.headers.authorization !== `Basic ${Buffer.from("robot:robot-pass").toString("base64")}`) return void res.writeHead(401).end();
        return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: issued }));
      }
      if (req.headers.authorization !== `Bearer ${issued}`) {
        res.writeHead(401, { "www-authenticate": `Bearer realm="http://${req.headers.host}/token",service="test-registry"` });
        return void res.end();
      }
      await forward(req, res, registry.host, basic);
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const bytes = await signedBundle("t1");
      writeFileSync(join(dir, "t1.tar.gz"), bytes);
      writeFileSync(join(dir, "robot"), "robot-pass");
      const pushed = await runPush(join(dir, "t1.tar.gz"), `oci://${host}/policies/bearer:v1`, { username: "robot", passwordFile: join(dir, "robot") }, {});
      expect(pushed.stderr).toBe("");
      const pulled = await runPull(`oci://${host}/policies/bearer:v1`, { output: join(dir, "t1-back.tar.gz") }, { REGENT_OCI_USERNAME: "robot", REGENT_OCI_PASSWORD: "robot-pass" });
      expect(pulled.stderr).toBe("");
      expect(Buffer.compare(readFileSync(join(dir, "t1-back.tar.gz")), Buffer.from(bytes))).toBe(0);
      expect(scopes).toContain("repository:policies/bearer:pull,push");
      expect(scopes).toContain("repository:policies/bearer:pull");
    } finally {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  }, 60_000);
});

/** Forwards one request to the registry with its own Basic credentials (for the token proxy). */
async function forward(req: IncomingMessage, res: ServerResponse, target: string, auth: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "authorization" && k !== "connection") headers[k] = v;
  headers.authorization = auth;
  const up = await fetch(`http://${target}${req.url}`, { method: req.method, headers, body: chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined, redirect: "manual" });
  const out: Record<string, string> = {};
  up.headers.forEach((v, k) => {
    if (k === "location") v = v.replace(`http://${target}`, `http://${req.headers.host}`);
    if (k !== "content-encoding" && k !== "transfer-encoding" && k !== "connection") out[k] = v;
  });
  res.writeHead(up.status, out);
  res.end(Buffer.from(await up.arrayBuffer()));
}

describe("hostile registries", () => {
  let server: Server;
  let host: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  beforeAll(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const layer = enc("pretend tar.gz");
  const manifest = buildBundleManifest(bundleConfig(), layer);
  const serve = (routes: Record<string, (res: ServerResponse) => void>) => {
    handler = (req, res) => {
      const path = new URL(req.url!, "http://x").pathname;
      const route = Object.entries(routes).find(([p]) => path.endsWith(p));
      if (route) return route[1](res);
      res.writeHead(404).end();
    };
  };
  const client = new OciClient({ maxBlobBytes: 1024 });

  it("refuses a blob whose bytes do not match its digest", async () => {
    serve({
      "/manifests/v1": (res) => res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json" }).end(Buffer.from(manifest)),
      [`/blobs/${sha256Digest(layer)}`]: (res) => res.writeHead(200).end("pretend tar.gX"),
    });
    await expect(client.pullBundle(parseOciReference(`oci://${host}/ai:v1`))).rejects.toThrow(/bundle_digest_error|arrived with digest/);
  });

  it("refuses a manifest that differs from the pinned digest or from the registry's own digest header", async () => {
    serve({ [`/manifests/sha256:${"b".repeat(64)}`]: (res) => res.writeHead(200).end(Buffer.from(manifest)) });
    await expect(client.getManifest(parseOciReference(`oci://${host}/ai@sha256:${"b".repeat(64)}`))).rejects.toMatchObject({ code: "bundle_digest_error" });
    serve({ "/manifests/v1": (res) => res.writeHead(200, { "docker-content-digest": `sha256:${"c".repeat(64)}` }).end(Buffer.from(manifest)) });
    await expect(client.getManifest(parseOciReference(`oci://${host}/ai:v1`))).rejects.toMatchObject({ code: "bundle_digest_error" });
  });

  it("refuses wrong media types, huge manifests and oversized layers before reading them", async () => {
    serve({ "/manifests/v1": (res) => res.writeHead(200).end(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.v2+json", config: {}, layers: [] })) });
    await expect(client.getManifest(parseOciReference(`oci://${host}/ai:v1`))).rejects.toThrow(/bundle_oci_error|media type/);
    serve({ "/manifests/v1": (res) => res.writeHead(200, { "content-length": String(64 * 1024 * 1024) }).end() });
    await expect(client.getManifest(parseOciReference(`oci://${host}/ai:v1`))).rejects.toThrow(/over the limit/);
    const big = buildBundleManifest(bundleConfig(), new Uint8Array(4096));
    serve({ "/manifests/v1": (res) => res.writeHead(200).end(Buffer.from(big)) });
    await expect(client.pullBundle(parseOciReference(`oci://${host}/ai:v1`))).rejects.toThrow(/4096 bytes, over the limit of 1024/);
  });

  it("never sends credentials to an upload Location on another origin", async () => {
    const seen: (string | undefined)[] = [];
    const elsewhere = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      req.on("end", () => res.writeHead(201).end());
    });
    await new Promise<void>((r) => elsewhere.listen(0, "127.0.0.1", r));
    const other = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}`;
    const auths: (string | undefined)[] = [];
    handler = (req, res) => {
      auths.push(req.headers.authorization);
      if (req.method === "HEAD") return void res.writeHead(404).end();
      if (req.method === "POST") return void res.writeHead(202, { location: `${other}/upload/1?state=x` }).end();
      req.resume();
      req.on("end", () => res.writeHead(201).end());
    };
    try {
      const pushed = await new OciClient({ credentials: { token: "registry-token" } }).pushBundle(parseOciReference(`oci://${host}/ai:v1`), layer);
      expect(pushed.digest).toMatch(/^sha256:/);
      expect(seen).toEqual([undefined, undefined]); // config and layer uploads
      expect(auths.every((a) => a === "Bearer registry-token")).toBe(true);
    } finally {
      elsewhere.closeAllConnections();
      await new Promise((r) => elsewhere.close(r));
    }
  });

  it("reports an unusable challenge and a registry that is down as coded errors", async () => {
    serve({ "/manifests/v1": (res) => res.writeHead(401, { "www-authenticate": "Negotiate" }).end() });
    await expect(client.getManifest(parseOciReference(`oci://${host}/ai:v1`))).rejects.toMatchObject({ code: "bundle_auth_error" });
    await expect(new OciClient().getManifest(parseOciReference("oci://127.0.0.1:1/ai:v1"))).rejects.toMatchObject({ code: "bundle_oci_error" });
  });
});
