/**
 * The HTTP admin port (127.0.0.1:8181 by default): /health (with ?bundles, as OPA) answers 200
 * only once a bundle is active, /metrics serves Prometheus text. The one call that changes state
 * is POST /v1/budget/settle (settle-http.ts), for applications that are not behind Envoy.
 */
import { createServer, type Server } from "node:http";
import { existsSync, lstatSync, rmSync } from "node:fs";
import { RegentError } from "../errors.js";
import { AUTHZ_LISTEN } from "./errors.js";
import type { Settler } from "./settle.js";
import { handleSettle } from "./settle-http.js";

export interface AdminSource {
  ready(): boolean;
  status(): Record<string, unknown>;
  metrics(): Promise<{ contentType: string; body: string }>;
  settle?: Settler;
}

export class AdminServer {
  private readonly server: Server;

  constructor(private readonly source: AdminSource) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://admin");
      const send = (code: number, type: string, body: string): void => {
        res.writeHead(code, { "content-type": type, "cache-control": "no-store" });
        res.end(body);
      };
      if (url.pathname === "/v1/budget/settle" && this.source.settle) return void handleSettle(req, this.source.settle, send);
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain", "method not allowed\n");
      if (url.pathname === "/health" || url.pathname === "/health/") {
        const ready = this.source.ready();
        const body: Record<string, unknown> = { status: ready ? "ok" : "not_ready" };
        if (url.searchParams.has("bundles")) body.bundles = this.source.status();
        return send(ready ? 200 : 503, "application/json", JSON.stringify(body) + "\n");
      }
      if (url.pathname === "/metrics") {
        this.source.metrics().then(
          (m) => send(200, m.contentType, m.body),
          (err: unknown) => send(500, "text/plain", `metrics unavailable: ${(err as Error).message}\n`),
        );
        return;
      }
      send(404, "text/plain", "not found: try /health, /health?bundles or /metrics\n");
    });
    this.server.keepAliveTimeout = 5000;
  }

  listen(addr: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(new RegentError(AUTHZ_LISTEN, `cannot listen on ${addr} (admin): ${err.message}`));
      this.server.once("error", onError);
      const done = (): void => {
        this.server.off("error", onError);
        const a = this.server.address();
        resolve(typeof a === "object" && a ? `${a.address.includes(":") ? `[${a.address}]` : a.address}:${a.port}` : addr);
      };
      if (addr.startsWith("unix:")) {
        const path = addr.slice(5);
        if (existsSync(path) && lstatSync(path).isSocket()) rmSync(path, { force: true });
        this.server.listen(path, done);
      } else {
        const m = /^(.*):(\d+)$/.exec(addr)!;
        this.server.listen(Number(m[2]), m[1]!.replace(/^\[|\]$/g, ""), done);
      }
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
