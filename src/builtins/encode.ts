/**
 * Turns a host built-in's result into what the opa-wasm SDK loads. Exact integers beyond 2^53 (nanosecond
 * timestamps, byte counts) are computed as bigint; JSON.stringify cannot write those, but the SDK's
 * `_loadJSON` also accepts an ArrayBuffer of JSON text, so such results are serialised by hand into one.
 */

function hasBigInt(v: unknown): boolean {
  if (typeof v === "bigint") return true;
  if (Array.isArray(v)) return v.some(hasBigInt);
  if (typeof v === "object" && v !== null) return Object.values(v).some(hasBigInt);
  return false;
}

/** JSON text of a value that may hold bigints (written as exact integer literals). */
export function jsonText(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : jsonText(x))).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${jsonText(x)}`);
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** The value to hand to the SDK: unchanged, or an ArrayBuffer of JSON text when it holds a bigint. */
export function toSdkValue(v: unknown): unknown {
  if (typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(v);
  }
  if (!hasBigInt(v)) return v;
  const bytes = new TextEncoder().encode(jsonText(v));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/**
 * Reads back what toSdkValue produced (for tests and callers outside the SDK). A top-level big integer
 * becomes a bigint; nested ones lose precision, as Node 20's JSON.parse cannot see the source text.
 */
export function fromSdkValue(v: unknown): unknown {
  if (!(v instanceof ArrayBuffer)) return v;
  const text = new TextDecoder().decode(v);
  return /^-?\d+$/.test(text) ? BigInt(text) : JSON.parse(text);
}
