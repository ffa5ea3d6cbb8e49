/**
 * The Redis budget store (ioredis, one server or a Cluster): each call is one EVALSHA of a
 * script in redis-script.ts. When Redis cannot be reached within the store timeout, the
 * configured mode answers: fail_closed (throw budget_unavailable_error) or local (an in-process
 * store with a share of each limit). ioredis reconnects by itself; the mode reverts on success.
 */
import { Redis, Cluster, ReplyError } from "ioredis";
import { RegentError } from "../errors.js";
import { BUDGET_STORE, BUDGET_UNAVAILABLE } from "./errors.js";
import { MemoryBudgetStore } from "./memory.js";
import { INSPECT_LUA, RESERVE_LUA, SETTLE_LUA } from "./redis-script.js";
import {
  counterState,
  refusalRetryAfter,
  type BudgetStore,
  type Counter,
  type CounterState,
  type ReserveRequest,
  type ReserveResult,
  type SettleResult,
} from "./store.js";

export type UnavailableMode = "fail_closed" | "local";
export type StoreMode = "redis" | UnavailableMode;

export interface RedisStoreOptions {
  /** redis://host:port/db for one server. */
  url?: string;
  /** host:port seeds of a Redis Cluster (instead of url). */
  nodes?: string[];
  keyPrefix: string;
  timeoutMs: number;
  unavailable: UnavailableMode;
  /** Fraction of each limit this replica may grant on its own while Redis is away (local mode). */
  localShare: number;
  /** Called on every mode change: metrics and the log line live with the caller. */
  onMode?: (mode: StoreMode, reason?: string) => void;
}

type Client = Redis | Cluster;
type ScriptClient = Client & {
  regentReserve(...args: (string | number)[]): Promise<unknown>;
  regentInspect(...args: (string | number)[]): Promise<unknown>;
  regentSettle(...args: (string | number)[]): Promise<unknown>;
};

/** Reply errors that mean "not reachable right now", as opposed to a broken script or key. */
const TRANSIENT_REPLY = /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|BUSY|MOVED|ASK)\b/;

export class RedisBudgetStore implements BudgetStore {
  readonly client: ScriptClient;
  private readonly local = new MemoryBudgetStore();
  private mode: StoreMode = "redis";

  private constructor(private readonly opts: RedisStoreOptions) {
    // Fail fast while disconnected (no offline queue), reconnect forever with a capped backoff.
    const retry = (times: number): number => Math.min(50 * times, 1000);
    const common = { enableOfflineQueue: false, commandTimeout: opts.timeoutMs, connectTimeout: Math.max(opts.timeoutMs, 1000) };
    let client: Client;
    if (opts.nodes?.length) {
      client = new Cluster(
        opts.nodes.map((n) => {
          const m = /^(.*):(\d+)$/.exec(n)!;
          return { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) };
        }),
        { enableOfflineQueue: false, clusterRetryStrategy: retry, slotsRefreshTimeout: Math.max(opts.timeoutMs, 1000), redisOptions: { commandTimeout: opts.timeoutMs, connectTimeout: common.connectTimeout } },
      );
    } else {
      client = new Redis(opts.url ?? "redis://127.0.0.1:6379", { ...common, retryStrategy: retry, maxRetriesPerRequest: 0 });
    }
    client.defineCommand("regentReserve", { lua: RESERVE_LUA });
    client.defineCommand("regentInspect", { lua: INSPECT_LUA });
    client.defineCommand("regentSettle", { lua: SETTLE_LUA });
    // ioredis logs unhandled 'error' events to stderr; the mode change is our report.
    client.on("error", (err: Error) => this.down(err.message));
    client.on("ready", () => this.up());
    this.client = client as ScriptClient;
  }

  /** Connects and waits up to `waitMs` for Redis; starts in the unavailable mode when it is not there yet. */
  static async connect(opts: RedisStoreOptions, waitMs = 5000): Promise<RedisBudgetStore> {
    const store = new RedisBudgetStore(opts);
    if (store.client.status !== "ready") {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          store.down(`not ready after ${waitMs} ms`);
          resolve();
        }, waitMs);
        store.client.once("ready", () => (clearTimeout(t), resolve()));
      });
    }
    return store;
  }

  get currentMode(): StoreMode {
    return this.mode;
  }

  async inspect(tenant: string, counters: Counter[]): Promise<{ counters: CounterState[]; now: number; local?: boolean }> {
    const keys = [this.key(tenant, "exp"), ...counters.map((c) => this.key(tenant, `c:${c.key}`))];
    let reply: unknown;
    try {
      reply = await this.timed(this.client.regentInspect(keys.length, ...keys, ...counters.map((c) => c.windowSeconds * 1000)));
    } catch (err) {
      this.unavailable(err);
      return { ...this.local.inspectSync(tenant, this.shared(counters)), local: true };
    }
    this.up();
    const a = ints(reply, 1 + counters.length * 3);
    const now = a[0]!;
    return { counters: counters.map((c, i) => counterState(c, a[2 + i * 3]!, a[3 + i * 3]!, a[1 + i * 3]!)), now };
  }

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    const keys = [this.key(req.tenant, `r:${req.id}`), this.key(req.tenant, "exp"), ...req.counters.map((c) => this.key(req.tenant, `c:${c.key}`))];
    const args: (string | number)[] = [Math.max(0, Math.ceil(req.tokens)), req.ttlSeconds * 1000, req.onExpiry];
    for (const c of req.counters) args.push(c.limit, c.windowSeconds * 1000);
    let reply: unknown;
    try {
      reply = await this.timed(this.client.regentReserve(keys.length, ...keys, ...args));
    } catch (err) {
      this.undoLateReserve(keys);
      this.unavailable(err);
      return { ...this.local.reserveSync({ ...req, counters: this.shared(req.counters) }), local: true };
    }
    this.up();
    const a = ints(reply, 2 + req.counters.length * 4);
    const ok = a[0] === 1;
    const now = a[1]!;
    const states = req.counters.map((c, i) => counterState(c, a[3 + i * 4]!, a[4 + i * 4]!, a[2 + i * 4]!));
    const refused = ok ? [] : req.counters.filter((_c, i) => a[5 + i * 4] === 0).map((c) => c.key);
    return { ok, counters: states, refused, retryAfterSeconds: ok ? 0 : refusalRetryAfter(states, refused, now), now };
  }

  async settle(tenant: string, id: string, charged: number): Promise<SettleResult> {
    // A reservation taken while Redis was away lives in the local store; it settles there.
    const here = this.local.settleSync(tenant, id, charged);
    if (here.found) return here;
    const keys = [this.key(tenant, `r:${id}`), this.key(tenant, "exp")];
    let reply: unknown;
    try {
      reply = await this.timed(this.client.regentSettle(2, ...keys, charged < 0 ? -1 : Math.ceil(charged)));
    } catch (err) {
      this.unavailable(err);
      throw new RegentError(BUDGET_UNAVAILABLE, `cannot settle ${id}: Redis unreachable (${(err as Error).message})`);
    }
    this.up();
    const a = ints(reply, 3);
    return { found: a[0] === 1, reserved: a[1]!, charged: a[2]! };
  }

  /**
   * A reserve that timed out may still run when Redis wakes up. A release sent behind it on the same
   * connection runs after it (Redis answers a connection in order), so the tokens do not stay held.
   */
  private undoLateReserve(keys: string[]): void {
    if (this.client.status !== "ready") return;
    this.client.regentSettle(2, keys[0]!, keys[1]!, 0).catch(() => undefined);
  }

  async close(): Promise<void> {
    // Our own disconnect is not an outage: no mode change, no log line.
    this.opts.onMode = undefined;
    this.client.removeAllListeners("ready");
    this.client.disconnect();
    await this.local.close();
  }

  /** `<prefix>:{<tenant>}:<rest>`: the braces make Redis Cluster hash only the tenant. */
  private key(tenant: string, rest: string): string {
    return `${this.opts.keyPrefix}:{${tenant.replace(/[{}%]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())}}:${rest}`;
  }

  private shared(counters: Counter[]): Counter[] {
    return counters.map((c) => ({ ...c, limit: Math.floor(c.limit * this.opts.localShare) }));
  }

  /** The command timeout of ioredis, plus a guard of our own so no Check waits past the store timeout. */
  private timed<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout;
    return Promise.race([
      p,
      new Promise<T>((_r, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Decides between "Redis is away" (switch mode, answer per mode) and "Redis answered nonsense" (an error). */
  private unavailable(err: unknown): void {
    if (err instanceof RegentError) throw err;
    const msg = (err as Error)?.message ?? String(err);
    if (err instanceof ReplyError && !TRANSIENT_REPLY.test(msg)) throw new RegentError(BUDGET_STORE, `Redis refused the budget script: ${msg}`);
    this.down(msg);
    if (this.opts.unavailable === "fail_closed")
      throw new RegentError(BUDGET_UNAVAILABLE, `budget store unavailable (Redis: ${msg}); budget.redis.unavailable is fail_closed`);
  }

  private down(reason: string): void {
    if (this.mode !== "redis") return;
    this.mode = this.opts.unavailable;
    this.opts.onMode?.(this.mode, reason);
  }

  private up(): void {
    if (this.mode === "redis") return;
    this.mode = "redis";
    this.opts.onMode?.("redis");
  }
}

/** A script reply must be a flat array of `n` integers; anything else is a store error, never a crash. */
function ints(reply: unknown, n: number): number[] {
  if (!Array.isArray(reply) || reply.length !== n || !reply.every((x) => typeof x === "number" && Number.isFinite(x)))
    throw new RegentError(BUDGET_STORE, `malformed reply from the budget script: ${JSON.stringify(reply)?.slice(0, 120)}`);
  return reply as number[];
}
