/** Bodies read up to a limit from real HTTP responses: by Content-Length, and while streaming. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { BodyTooLarge, readLimited } from "../../src/limits/read-limited.js";

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const n = Number(new URL(req.url!, "http://x").searchParams.get("n"));
    if (req.url!.startsWith("/length")) return void res.writeHead(200, { "content-length": String(n) }).end(Buffer.alloc(n, 1));
    res.writeHead(200); // chunked: no Content-Length
    let left = n;
    const pump = (): void => {
      while (left > 0) {
        const k = Math.min(left, 16 * 1024);
        left -= k;
        if (!res.write(Buffer.alloc(k, 2))) return void res.once("drain", pump);
      }
      res.end();
    };
    res.on("close", () => (left = 0));
    pump();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

describe("readLimited", () => {
  it("reads a body within the limit, either way it is sent", async () => {
    expect((await readLimited(await fetch(`${base}/length?n=1000`), 1000)).length).toBe(1000);
    expect((await readLimited(await fetch(`${base}/chunked?n=50000`), 50_000)).length).toBe(50_000);
  });

  it("refuses an announced length over the limit before reading, and a streamed body once it passes it", async () => {
    await expect(readLimited(await fetch(`${base}/length?n=5000`), 4999)).rejects.toMatchObject({ announced: 5000, limit: 4999 });
    const err = await readLimited(await fetch(`${base}/chunked?n=100000000`), 100_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BodyTooLarge);
    expect((err as BodyTooLarge).announced).toBeUndefined();
  });
});
