/**
 * When a sidecar polls its bundle source next, as pure functions: a uniform jitter between
 * the poll bounds after a success, capped exponential backoff (jittered) after failures,
 * `Retry-After` honoured as a floor, and an immediate re-poll while the server long-polls.
 */

export interface ScheduleOptions {
  minSeconds: number;
  maxSeconds: number;
  /** The backoff cap after failures; default maxSeconds. */
  backoffMaxSeconds?: number;
  random?: () => number;
}

export interface PollHint {
  /** The server asked not to be called before this many ms (Retry-After). */
  retryAfterMs?: number;
  /** The server answered in OPA's long polling mode: ask again at once, it holds the request. */
  longPoll?: boolean;
}

/** OPA's long polling content type: a server that sends it holds requests that carry `Prefer: wait=N`. */
export const LONG_POLL_CONTENT_TYPE = "application/vnd.openpolicyagent.bundles";
/** The longest Retry-After honoured (a day); anything longer is taken as a day. */
export const MAX_RETRY_AFTER_MS = 86_400_000;
/** A long-polling client still waits a little between requests, so a server that answers at once is not hammered. */
export const LONG_POLL_GAP_MS = 100;

/**
 * The delay before the next poll. `failures` counts consecutive failed rounds (0 after a success).
 * Success: uniform in [min, max] (or [0, LONG_POLL_GAP_MS] while long polling). Failure f: uniform
 * in [b/2, b] with b = min(cap, min·2^(f-1)). A Retry-After is a floor, plus up to 10% jitter so a
 * fleet told the same time does not come back in one burst.
 */
export function nextPollDelayMs(opts: ScheduleOptions, failures: number, hint: PollHint = {}): number {
  const rnd = opts.random ?? Math.random;
  const min = opts.minSeconds * 1000;
  const max = opts.maxSeconds * 1000;
  let delay: number;
  if (failures === 0) delay = hint.longPoll ? rnd() * LONG_POLL_GAP_MS : min + rnd() * (max - min);
  else {
    const cap = (opts.backoffMaxSeconds ?? opts.maxSeconds) * 1000;
    const base = Math.min(cap, min * 2 ** Math.min(failures - 1, 30));
    delay = base / 2 + rnd() * (base / 2);
  }
  if (hint.retryAfterMs !== undefined && hint.retryAfterMs > 0) {
    const floor = Math.min(hint.retryAfterMs, MAX_RETRY_AFTER_MS);
    if (delay < floor) delay = floor + rnd() * floor * 0.1;
  }
  return delay;
}

/** `Retry-After` as ms from `now`: delta seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[A-Za-z]/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Whether a response says the server long-polls (OPA's content type, on a 200 or a 304). */
export function isLongPollResponse(contentType: string | null | undefined): boolean {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase() === LONG_POLL_CONTENT_TYPE;
}
