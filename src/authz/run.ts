/**
 * Starts `regent serve` in one process: data plane (gRPC Check), bundle activator, budget store
 * and admin port, with graceful shutdown. With more than one worker, cluster.ts runs the same
 * parts split between a primary (bundles, budgets, admin) and workers (Check).
 */
import type { Logger } from "pino";
import type { ServeConfig } from "../config/schema.js";
import { createBudgetStore } from "../budget/create.js";
import { Metrics } from "./metrics.js";
import { budgetModeReporter } from "./budget-mode.js";
import { RegentError } from "../errors.js";
import { AdminServer } from "./admin.js";
import { BundleActivator } from "./bundles.js";
import { createDataPlane, verificationKey } from "./dataplane.js";
import { AUTHZ_BUNDLE } from "./errors.js";

export interface Running {
  grpcAddr: string;
  adminAddr: string;
  close(): Promise<void>;
}

export async function serveSingle(config: ServeConfig, logger: Logger): Promise<Running> {
  const metrics = new Metrics();
  const budget = await createBudgetStore(config.budget, budgetModeReporter(config, logger, metrics));
  const plane = await createDataPlane(config, budget, logger, metrics);
  const activator = createActivator(config, logger, async (bundle) => {
    await plane.activate(bundle);
  }, () => plane.metrics.bundleActivations.inc({ result: "rejected" }));
  const grpcAddr = await plane.start();
  const admin = new AdminServer({
    ready: () => plane.slot.current !== undefined,
    status: () => ({ ...(activator?.status ?? { source: null }), workers: 1 }),
    metrics: async () => ({ contentType: plane.metrics.registry.contentType, body: await plane.metrics.registry.metrics() }),
    settle: config.budget.http_settle ? plane.settle : undefined,
  });
  const adminAddr = await admin.listen(config.server.admin_addr);
  logger.info({ msg: "regent serve listening", grpc: grpcAddr, admin: adminAddr, ext_proc: config.server.ext_proc_addr, workers: 1 });
  if (activator) await activator.start();
  else logger.warn({ msg: "no bundle.source configured: every Check is answered per fail mode", fail_mode: config.policy.fail_mode });
  return {
    grpcAddr,
    adminAddr,
    async close() {
      activator?.stop();
      await plane.shutdown();
      await admin.close();
      await budget.close();
    },
  };
}

export function createActivator(
  config: ServeConfig,
  logger: Logger,
  activate: ConstructorParameters<typeof BundleActivator>[1],
  onReject: (reason: string) => void,
): BundleActivator | undefined {
  const b = config.bundle;
  if (!b.source) return undefined;
  let key: string | undefined;
  try {
    key = verificationKey(config);
  } catch (err) {
    throw new RegentError(AUTHZ_BUNDLE, `cannot read bundle.verification.key_file ${b.verification.key_file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return new BundleActivator(
    {
      source: b.source,
      pollMinSeconds: b.poll_min_seconds,
      pollMaxSeconds: b.poll_max_seconds,
      persistDir: b.persist_dir,
      bearerToken: b.bearer_token,
      key,
      keyId: b.verification.key_id,
      scope: b.verification.scope,
    },
    activate,
    logger,
    onReject,
  );
}
