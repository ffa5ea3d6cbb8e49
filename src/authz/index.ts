/**
 * `serve(config)`: runs the sidecar in one process (workers = 1) or as a cluster of workers
 * under a primary (the default: one worker per CPU). The CLI is the only caller.
 */
import { availableParallelism } from "node:os";
import type { Logger } from "pino";
import type { ServeConfig } from "../config/schema.js";
import { isClusterWorker, runPrimary, runWorker, workerConfig } from "./cluster.js";
import { serveSingle, type Running } from "./run.js";

export type { Running } from "./run.js";
export { createLogger } from "./log.js";

/** In a cluster worker this never returns a handle: the worker lives until the primary stops it. */
export async function serve(config: ServeConfig, logger: Logger, exec?: string): Promise<Running | undefined> {
  if (isClusterWorker()) {
    await runWorker(workerConfig(), logger);
    return undefined;
  }
  const workers = config.server.workers > 0 ? config.server.workers : availableParallelism();
  if (workers === 1) return serveSingle(config, logger);
  return runPrimary(config, logger, workers, exec);
}
