/**
 * writeBundle: reproducible bytes, signatures written as OPA writes them, and a lossless
 * round trip through readBundle.
 */
import { describe, expect, it } from "vitest";
import { readBundle } from "../../src/bundle/fs.js";
import { writeBundle, serializeSignatures } from "../../src/bundle/write.js";
import { sampleBundle } from "./fixtures.js";

describe("writeBundle", () => {
  it("writes the same bytes twice", async () => {
    const a = await writeBundle(sampleBundle());
    const b = await writeBundle(sampleBundle());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("round-trips files and signatures", async () => {
    const signed = { ...sampleBundle(), signatures: { signatures: ["h.p.s"] } };
    const back = await readBundle(await writeBundle(signed));
    expect(back.signatures).toEqual({ signatures: ["h.p.s"] });
    expect([...back.files.entries()].sort()).toEqual([...signed.files.entries()].sort());
  });

  it("writes .signatures.json with OPA's one-space indentation", () => {
    expect(new TextDecoder().decode(serializeSignatures({ signatures: ["x"] }))).toBe('{\n "signatures": [\n  "x"\n ]\n}');
  });
});
