/**
 * Key loading: PEM formats (PKCS#8, PKCS#1, SEC1, SPKI, certificate), JWK/JWKS, secrets, and
 * the algorithms each key admits; a PEM never becomes an HMAC secret.
 */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { defaultSigningAlgorithm, hmacSecret, loadSigningKey, loadVerificationKeys } from "../../src/bundle/keys.js";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });

describe("loadSigningKey", () => {
  it("reads PKCS#1 and SEC1 PEMs as well as PKCS#8", () => {
    expect(loadSigningKey({ key: rsa.privateKey.export({ type: "pkcs1", format: "pem" }) as string }, "RS512").asymmetricKeyType).toBe("rsa");
    expect(loadSigningKey({ key: ec.privateKey.export({ type: "sec1", format: "pem" }) as string }, "ES384").asymmetricKeyType).toBe("ec");
    expect(loadSigningKey({ key: ec.privateKey.export({ type: "pkcs8", format: "pem" }) as string }, "ES384").asymmetricKeyType).toBe("ec");
  });

  it("refuses a key that does not fit the algorithm, and PEM text as an HMAC secret", () => {
    const pem = ec.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    expect(() => loadSigningKey({ key: pem }, "ES256")).toThrowError(/EC P-384 private key cannot sign with ES256 \(it can use ES384\)/);
    expect(() => loadSigningKey({ key: pem }, "HS256")).toThrowError(/HS256 signs with a shared secret, but a private key was given/);
    expect(() => loadSigningKey({ key: "not a pem" }, "HS256")).toThrowError(/HS256 signs with a shared secret, but a private key was given/);
    expect(() => loadSigningKey({ secret: pem }, "ES384")).toThrowError(/ES384 signs with a private key, but an HMAC secret was given/);
    expect(() => loadSigningKey({ key: "not a pem" }, "RS256")).toThrowError(/RS256 needs a PEM private key/);
    expect(() => loadSigningKey({ secret: "" }, "HS256")).toThrowError(/secret is empty/);
    expect(() => loadSigningKey({}, "HS256")).toThrowError(/give either a private key or an HMAC secret/);
    expect(() => loadSigningKey({ secret: "x" }, "EdDSA")).toThrowError(/unsupported signing algorithm "EdDSA"/);
  });

  it("derives the default algorithm from the key's type", () => {
    expect(defaultSigningAlgorithm({ secret: "s" })).toBe("HS256");
    expect(defaultSigningAlgorithm({ key: rsa.privateKey.export({ type: "pkcs8", format: "pem" }) as string })).toBe("RS256");
    expect(defaultSigningAlgorithm({ key: ec.privateKey.export({ type: "sec1", format: "pem" }) as string })).toBe("ES384");
    expect(() => defaultSigningAlgorithm({ key: "s3cret" })).toThrowError(/not a PEM private key/);
  });
});

describe("loadVerificationKeys", () => {
  it("derives what each key may verify", () => {
    expect(loadVerificationKeys(rsa.publicKey.export({ type: "spki", format: "pem" }) as string)[0].algorithms).toEqual(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]);
    expect(loadVerificationKeys(rsa.publicKey.export({ type: "pkcs1", format: "pem" }) as string)[0].description).toBe("RSA public key");
    // A private key is accepted for verification; only its public half is used.
    const fromPrivate = loadVerificationKeys(ec.privateKey.export({ type: "pkcs8", format: "pem" }) as string)[0];
    expect([fromPrivate.key.type, fromPrivate.algorithms]).toEqual(["public", ["ES384"]]);
    expect(hmacSecret("s3cret")).toMatchObject({ algorithms: ["HS256", "HS384", "HS512"], description: "HMAC secret" });
    // DER public keys and certificates are public keys too.
    expect(loadVerificationKeys(new Uint8Array(rsa.publicKey.export({ type: "spki", format: "der" })))[0].description).toBe("RSA public key");
    expect(loadVerificationKeys(new Uint8Array(ec.publicKey.export({ type: "spki", format: "der" })))[0].algorithms).toEqual(["ES384"]);
  });

  it("never reads key material as an HMAC secret", () => {
    // Text that is no key, a DER key's bytes given as a string, and binary junk are all refused.
    for (const material of ["s3cret", "/etc/regent/missing-key.pem", rsa.publicKey.export({ type: "spki", format: "der" }).toString("latin1"), new Uint8Array([1, 2, 3])]) {
      expect(() => loadVerificationKeys(material)).toThrowError(/not a PEM, DER or JWK\/JWKS public key; an HMAC secret must be given as a secret/);
    }
  });

  it("reads a JWKS with kids and honours a JWK's alg", () => {
    const jwk = { ...(rsa.publicKey.export({ format: "jwk" }) as object), kid: "k", alg: "PS256" };
    expect(loadVerificationKeys(JSON.stringify({ keys: [jwk] }))).toMatchObject([{ kid: "k", algorithms: ["PS256"] }]);
    expect(() => loadVerificationKeys(JSON.stringify({ ...jwk, alg: "HS256" }))).toThrowError(/alg HS256 does not fit an RSA public key/);
  });

  it("reports unreadable keys clearly", () => {
    expect(() => loadVerificationKeys("{not json")).toThrowError(/looks like JSON but does not parse/);
    expect(() => loadVerificationKeys('{"keys": []}')).toThrowError(/JWKS has no keys/);
    expect(() => loadVerificationKeys('{"a": 1}')).toThrowError(/neither a JWK nor a JWKS/);
    expect(() => loadVerificationKeys("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")).toThrowError(/cannot read the PEM verification key/);
    const ed = generateKeyPairSync("ed25519");
    expect(() => loadVerificationKeys(ed.publicKey.export({ type: "spki", format: "pem" }) as string)).toThrowError(/ed25519 keys are not supported/);
  });
});
