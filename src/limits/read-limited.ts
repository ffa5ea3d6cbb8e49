/**
 * Reads an HTTP response body up to a byte limit: refused at once when `Content-Length`
 * announces more, and cut off while streaming when the body runs past it, so no more than the
 * limit is ever held. The caller's error factory names the limit's setting.
 */

export class BodyTooLarge extends Error {
  constructor(readonly limit: number, readonly announced?: number) {
    super(announced !== undefined ? `the response announces ${announced} bytes, over the limit of ${limit} bytes` : `the response is larger than the limit of ${limit} bytes`);
  }
}

export async function readLimited(res: Response, max: number): Promise<Uint8Array> {
  const declared = res.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new BodyTooLarge(max, Number(declared));
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(max);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
