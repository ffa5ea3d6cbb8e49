/**
 * A bundle service on loopback for the fleet simulation and the polling tests: answers
 * If-None-Match with 304, and, when long polling is on, holds a request carrying
 * `Prefer: wait=N` until a new revision is published or N seconds pass (OPA's protocol).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { LONG_POLL_CONTENT_TYPE } from "../../src/authz/poll-schedule.js";

export interface ServerCounts {
  requests: number;
  ok: number;
  notModified: number;
  held: number;
}

export class FleetBundleServer {
  counts: ServerCounts = { requests: 0, ok: 0, notModified: 0, held: 0 };
  url = "";
  private bytes: Uint8Array = new Uint8Array();
  private etag = "";
  private server: Server | undefined;
  private readonly waiting = new Set<{ res: ServerResponse; timer: NodeJS.Timeout }>();
  /** Set to answer every request with this status and Retry-After (seconds or a date). */
  failWith: { status: number; retryAfter?: string } | undefined;

  constructor(private readonly longPolling: boolean) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.maxConnections = 100_000;
    this.server.keepAliveTimeout = 120_000;
    this.server.headersTimeout = 0;
    this.server.requestTimeout = 0;
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", 4096, r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/bundles/fleet.tar.gz`;
  }

  publish(bytes: Uint8Array, etag: string): void {
    this.bytes = bytes;
    this.etag = `"${etag}"`;
    for (const w of this.waiting) {
      clearTimeout(w.timer);
      this.send(w.res);
    }
    this.waiting.clear();
  }

  private headers(): Record<string, string> {
    return { etag: this.etag, "content-type": this.longPolling ? LONG_POLL_CONTENT_TYPE : "application/gzip" };
  }

  private send(res: ServerResponse): void {
    this.counts.ok++;
    res.writeHead(200, this.headers());
    res.end(Buffer.from(this.bytes));
  }

  private notModified(res: ServerResponse): void {
    this.counts.notModified++;
    res.writeHead(304, this.headers());
    res.end();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.counts.requests++;
    if (this.failWith) {
      res.writeHead(this.failWith.status, this.failWith.retryAfter ? { "retry-after": this.failWith.retryAfter } : {});
      return void res.end();
    }
    if (req.headers["if-none-match"] !== this.etag) return this.send(res);
    const wait = /(?:^|[,;\s])wait=(\d+)/.exec(String(req.headers.prefer ?? ""));
    if (!this.longPolling || !wait) return this.notModified(res);
    this.counts.held++;
    const entry = {
      res,
      timer: setTimeout(() => {
        this.waiting.delete(entry);
        this.notModified(res);
      }, Number(wait[1]) * 1000),
    };
    this.waiting.add(entry);
    res.on("close", () => {
      clearTimeout(entry.timer);
      this.waiting.delete(entry);
    });
  }

  stop(): Promise<void> {
    for (const w of this.waiting) clearTimeout(w.timer);
    this.waiting.clear();
    return new Promise((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }
}
