/**
 * The policy's constant data segment: string values, static numbers, null/true/false, path
 * arrays for `with`, and NUL-terminated messages, laid out in the runtime's value format
 * (src/wasm-runtime/README.md) right after the runtime's own data. Deduplicated.
 */

const TYPE_NULL = 1;
const TYPE_BOOLEAN = 2;
const TYPE_NUMBER = 3;
const TYPE_STRING = 4;
const NUM_INT = 0;
const NUM_REF = 2;

const utf8 = new TextEncoder();

export class DataLayout {
  readonly base: number;
  private bytes = new Uint8Array(1024);
  private size = 0;
  private readonly memo = new Map<string, number>();

  constructor(base: number) {
    this.base = align8(base);
  }

  /** Address just past the data, 8-aligned: where the heap starts. */
  get end(): number {
    return align8(this.base + this.size);
  }

  get data(): Uint8Array {
    return this.bytes.subarray(0, this.size);
  }

  nullValue(): number {
    return this.once("null", () => this.words([TYPE_NULL, 0]));
  }

  boolValue(b: boolean): number {
    return this.once(`bool:${b}`, () => this.words([TYPE_BOOLEAN, b ? 1 : 0]));
  }

  /** An immutable string value (the runtime only writes its cached hash, harmlessly). */
  stringValue(s: string): number {
    return this.once(`str:${s}`, () => {
      const text = this.raw(utf8.encode(s));
      return this.words([TYPE_STRING, utf8.encode(s).length, text, 0]);
    });
  }

  intValue(n: number): number {
    return this.once(`int:${n}`, () => {
      const at = this.reserve(16);
      const view = new DataView(this.bytes.buffer);
      view.setUint32(at - this.base, TYPE_NUMBER | (NUM_INT << 8), true);
      view.setBigInt64(at - this.base + 8, BigInt(n), true);
      return at;
    });
  }

  /** A number kept as its exact text (`1.5`, `1e400`, big integers). */
  numberRefValue(text: string): number {
    return this.once(`ref:${text}`, () => {
      const bytes = utf8.encode(text);
      const ptr = this.raw(bytes);
      const at = this.reserve(24);
      const view = new DataView(this.bytes.buffer);
      view.setUint32(at - this.base, TYPE_NUMBER | (NUM_REF << 8), true);
      view.setUint32(at - this.base + 4, bytes.length, true);
      view.setUint32(at - this.base + 8, ptr, true);
      return at;
    });
  }

  /** A NUL-terminated UTF-8 string (abort messages, locations). */
  cString(s: string): number {
    return this.once(`c:${s}`, () => {
      const b = utf8.encode(s);
      const out = new Uint8Array(b.length + 1);
      out.set(b);
      return this.raw(out);
    });
  }

  /** Raw UTF-8 bytes (for JSON the runtime parses: entrypoints(), builtins()). */
  text(s: string): { addr: number; len: number } {
    const b = utf8.encode(s);
    return { addr: this.once(`t:${s}`, () => this.raw(b)), len: b.length };
  }

  /** Consecutive u32 pointers (a `with` path of string values). */
  pointers(ptrs: number[]): number {
    return this.once(`p:${ptrs.join(",")}`, () => this.words(ptrs.length > 0 ? ptrs : [0]));
  }

  /** A zero-filled, word-aligned area of its own (mutable state such as the memo table). */
  zeroed(words: number): number {
    return this.words(new Array<number>(Math.max(words, 1)).fill(0));
  }

  private once(key: string, make: () => number): number {
    let at = this.memo.get(key);
    if (at === undefined) {
      at = make();
      this.memo.set(key, at);
    }
    return at;
  }

  private reserve(n: number): number {
    this.size = align8(this.size);
    const at = this.base + this.size;
    while (this.size + n > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.size += n;
    return at;
  }

  private words(ws: number[]): number {
    const at = this.reserve(ws.length * 4);
    const view = new DataView(this.bytes.buffer);
    ws.forEach((w, i) => view.setUint32(at - this.base + i * 4, w >>> 0, true));
    return at;
  }

  private raw(b: Uint8Array): number {
    const at = this.reserve(Math.max(b.length, 1));
    this.bytes.set(b, at - this.base);
    return at;
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
