/**
 * Per-evaluation state of the host built-ins. OPA fixes `time.now_ns` once per query and caches
 * `uuid.rfc4122` per key per query; the SDK does not tell the host when an evaluation starts, so the cache
 * lives until `beginEvaluation()` or the end of the current synchronous turn (SDK evaluation is synchronous).
 */

export interface HostContextOptions {
  /** Wall clock in nanoseconds since the Unix epoch (tests inject a fixed one). */
  clock?: () => bigint;
  /** Where `print` output goes; none by default (print is then a no-op). */
  print?: (line: string) => void;
}

export class HostContext {
  private memoMap = new Map<string, unknown>();
  private expiryScheduled = false;
  readonly clock: () => bigint;
  readonly print: ((line: string) => void) | undefined;

  constructor(opts: HostContextOptions = {}) {
    this.clock = opts.clock ?? wallClockNs;
    this.print = opts.print;
  }

  /** Starts a new evaluation: forgets now_ns and uuid.rfc4122 values. */
  beginEvaluation(): void {
    this.memoMap.clear();
  }

  /** The value for key in this evaluation, made on first use. */
  memo<T>(key: string, make: () => T): T {
    if (this.memoMap.has(key)) return this.memoMap.get(key) as T;
    const v = make();
    this.memoMap.set(key, v);
    if (!this.expiryScheduled) {
      this.expiryScheduled = true;
      queueMicrotask(() => {
        this.expiryScheduled = false;
        this.memoMap.clear();
      });
    }
    return v;
  }
}

const originNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Nanoseconds since the epoch: Date.now()'s origin plus the monotonic high-resolution clock. */
export function wallClockNs(): bigint {
  return originNs + process.hrtime.bigint();
}
