// How host results reach the SDK: plain JSON unchanged, bigints as exact JSON text in an ArrayBuffer.
import { describe, expect, it } from "vitest";
import { fromSdkValue, jsonText, toSdkValue } from "../../src/builtins/encode.js";

describe("encode", () => {
  it("leaves JSON values and safe bigints as numbers", () => {
    const v = { a: [1, "x"] };
    expect(toSdkValue(v)).toBe(v);
    expect(toSdkValue(42n)).toBe(42);
    expect(toSdkValue(undefined)).toBeUndefined();
  });
  it("writes unsafe bigints exactly, also nested", () => {
    expect(jsonText({ t: 9223372036854775807n, l: [-18446744073709551616n, "s"] })).toBe(
      '{"t":9223372036854775807,"l":[-18446744073709551616,"s"]}',
    );
    const buf = toSdkValue([2n ** 64n]);
    expect(buf).toBeInstanceOf(ArrayBuffer);
    expect(new TextDecoder().decode(buf as ArrayBuffer)).toBe("[18446744073709551616]");
    expect(fromSdkValue(toSdkValue(2n ** 70n))).toBe(2n ** 70n);
  });
});
