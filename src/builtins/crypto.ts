/**
 * Host built-ins for digests and HMACs (OPA's topdown/crypto.go): hex-encoded results over the UTF-8
 * bytes of string operands; crypto.hmac.equal compares in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { str, type HostFn } from "./args.js";

const digest = (name: string, alg: string): HostFn => (x) => createHash(alg).update(str(name, 1, x), "utf8").digest("hex");

const mac = (name: string, alg: string): HostFn => (x, key) =>
  createHmac(alg, Buffer.from(str(name, 2, key), "utf8")).update(str(name, 1, x), "utf8").digest("hex");

export const cryptoBuiltins: Record<string, HostFn> = {
  "crypto.md5": digest("crypto.md5", "md5"),
  "crypto.sha1": digest("crypto.sha1", "sha1"),
  "crypto.sha256": digest("crypto.sha256", "sha256"),
  "crypto.hmac.md5": mac("crypto.hmac.md5", "md5"),
  "crypto.hmac.sha1": mac("crypto.hmac.sha1", "sha1"),
  "crypto.hmac.sha256": mac("crypto.hmac.sha256", "sha256"),
  "crypto.hmac.sha512": mac("crypto.hmac.sha512", "sha512"),
  "crypto.hmac.equal": (a, b) => {
    const x = Buffer.from(str("crypto.hmac.equal", 1, a), "utf8");
    const y = Buffer.from(str("crypto.hmac.equal", 2, b), "utf8");
    return x.length === y.length && timingSafeEqual(x, y);
  },
};
