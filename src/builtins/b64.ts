/**
 * Base64 helpers with Go's strictness and error wording ("illegal base64 data at input byte N"), shared by
 * the JWT and encoding built-ins. Node's Buffer decoder silently skips bad characters, so validate first.
 */

export class Base64Error extends Error {}

const STD = /^[A-Za-z0-9+/]*$/;
const URL = /^[A-Za-z0-9_-]*$/;

/** Decodes base64 or base64url, padded or not; throws Base64Error at the first illegal byte. */
export function decodeBase64(s: string, url: boolean, requirePadding = false): Buffer {
  const body = s.replace(/=+$/, "");
  const alphabet = url ? URL : STD;
  if (!alphabet.test(body)) {
    const idx = [...body].findIndex((c) => !alphabet.test(c));
    throw new Base64Error(`illegal base64 data at input byte ${idx}`);
  }
  const pad = s.length - body.length;
  if (body.length % 4 === 1) throw new Base64Error(`illegal base64 data at input byte ${body.length - 1}`);
  if (pad > 0 && (body.length + pad) % 4 !== 0) throw new Base64Error(`illegal base64 data at input byte ${body.length}`);
  if (requirePadding && body.length % 4 !== 0 && pad === 0) {
    throw new Base64Error(`illegal base64 data at input byte ${body.length}`);
  }
  return Buffer.from(body, url ? "base64url" : "base64");
}

export function encodeBase64Url(b: Buffer | string, pad = false): string {
  const s = Buffer.from(b).toString("base64url");
  return pad ? s + "=".repeat((4 - (s.length % 4)) % 4) : s;
}
