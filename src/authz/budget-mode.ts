/**
 * Reports the budget store's mode: the regent_budget_store_mode gauge and one log line per
 * change, so an operator sees when Redis went away, which mode answers meanwhile, and recovery.
 */
import type { Logger } from "pino";
import type { ServeConfig } from "../config/schema.js";
import type { StoreMode } from "../budget/redis.js";
import type { Metrics } from "./metrics.js";

export function budgetModeReporter(config: ServeConfig, logger: Logger, metrics: Metrics): (mode: StoreMode, reason?: string) => void {
  metrics.budgetMode(config.budget.store === "redis" ? "redis" : "memory");
  return (mode, reason) => {
    metrics.budgetMode(mode);
    if (mode === "redis") logger.info({ msg: "budget store: Redis reachable again", mode });
    else
      logger.warn({
        msg: mode === "fail_closed" ? "budget store: Redis unreachable; denying budgeted requests with 503" : "budget store: Redis unreachable; answering from this replica's local share",
        mode,
        reason,
        local_share: mode === "local" ? config.budget.redis.local_share : undefined,
      });
  };
}
