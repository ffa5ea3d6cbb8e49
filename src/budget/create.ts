/**
 * Builds the store the config names: the in-process one (default), or Redis, loaded only when
 * configured so a single-replica sidecar never loads ioredis.
 */
import type { ServeConfig } from "../config/schema.js";
import { MemoryBudgetStore } from "./memory.js";
import type { StoreMode } from "./redis.js";
import type { BudgetStore } from "./store.js";

export async function createBudgetStore(cfg: ServeConfig["budget"], onMode?: (mode: StoreMode, reason?: string) => void): Promise<BudgetStore> {
  if (cfg.store !== "redis") return new MemoryBudgetStore();
  const { RedisBudgetStore } = await import("./redis.js");
  const r = cfg.redis;
  return RedisBudgetStore.connect({
    url: r.nodes?.length ? undefined : r.url ?? "redis://127.0.0.1:6379",
    nodes: r.nodes,
    keyPrefix: r.key_prefix,
    timeoutMs: r.timeout_ms,
    unavailable: r.unavailable,
    localShare: r.local_share,
    onMode,
  });
}
