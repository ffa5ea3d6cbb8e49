// crypto digests and HMACs against published test vectors (RFC 1321, FIPS 180, RFC 4231) and OPA docs.
import { describe, expect, it } from "vitest";
import { cryptoBuiltins as c } from "../../src/builtins/crypto.js";

describe("crypto", () => {
  it("digests match the standard vectors for 'abc'", () => {
    expect(c["crypto.md5"]!("abc")).toBe("900150983cd24fb0d6963f7d28e17f72");
    expect(c["crypto.sha1"]!("abc")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(c["crypto.sha256"]!("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
  it("HMACs match RFC 4231 test case 2", () => {
    expect(c["crypto.hmac.sha256"]!("what do ya want for nothing?", "Jefe")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    expect(c["crypto.hmac.sha512"]!("what do ya want for nothing?", "Jefe")).toBe(
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
    );
    expect(c["crypto.hmac.md5"]!("what do ya want for nothing?", "Jefe")).toBe("750c783e6ab0b503eaa86e310a5db738");
    expect(c["crypto.hmac.sha1"]!("what do ya want for nothing?", "Jefe")).toBe("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  });
  it("compares MACs", () => {
    expect(c["crypto.hmac.equal"]!("abc", "abc")).toBe(true);
    expect(c["crypto.hmac.equal"]!("abc", "abd")).toBe(false);
    expect(c["crypto.hmac.equal"]!("abc", "abcd")).toBe(false);
    expect(() => c["crypto.hmac.equal"]!(1, "a")).toThrow("crypto.hmac.equal: operand 1 must be string but got number");
  });
});
