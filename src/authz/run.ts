/**
 * Starts `regent serve` in one process: data plane (gRPC Check), bundle activator, budget store
 * and admin port, with graceful shutdown. With more than one worker, cluster.ts runs the same
 * parts split between a primary (bundles, budgets, admin) and workers (Check).
 */
import type { Logger } from "pino";
import type { ServeConfig } from "../config/schema.js";
import { MemoryBudgetStore } from "../budget/index.js";
import { RegentError } from "../errors.js";
import { AdminServer } from "./admin.js";
import { BundleActivator } from "./bundles.js";
import { hmacSecret, loadVerificationKeys } from "../bundle/keys.js";
import { createDataPlane, verificationMaterial } from "./dataplane.js";
import { AUTHZ_BUNDLE } from "./errors.js";
import type { BundleLimits } from "../bundle/limits.js";

export interface Running {
  grpcAddr: string;
  adminAddr: string;
  close(): Promise<void>;
}

export async function serveSingle(config: ServeConfig, logger: Logger): Promise<Running> {
  const budget = new MemoryBudgetStore();
  const plane = await createDataPlane(config, budget, logger);
  const activator = createActivator(config, logger, async (bundle) => {
    await plane.activate(bundle);
  }, () => plane.metrics.bundleActivations.inc({ result: "rejected" }), (limit) => plane.metrics.limitRejections.inc({ limit }));
  const grpcAddr = await plane.start();
  const admin = new AdminServer({
    ready: () => plane.slot.current !== undefined,
    status: () => ({ ...(activator?.status ?? { source: null }), workers: 1 }),
    metrics: async () => ({ contentType: plane.metrics.registry.contentType, body: await plane.metrics.registry.metrics() }),
  });
  const adminAddr = await admin.listen(config.server.admin_addr);
  logger.info({ msg: "regent serve listening", grpc: grpcAddr, admin: adminAddr, workers: 1 });
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

export function bundleLimits(config: ServeConfig): BundleLimits {
  const l = config.limits;
  return { downloadBytes: l.bundle_download_bytes, expandedBytes: l.bundle_expanded_bytes, fileBytes: l.bundle_file_bytes, files: l.bundle_files, maxJsonDepth: l.max_json_depth };
}

export function createActivator(
  config: ServeConfig,
  logger: Logger,
  activate: ConstructorParameters<typeof BundleActivator>[1],
  onReject: (reason: string) => void,
  onLimit?: (limit: string) => void,
): BundleActivator | undefined {
  const b = config.bundle;
  if (!b.source) return undefined;
  let material: ReturnType<typeof verificationMaterial>;
  try {
    material = verificationMaterial(config);
    // Parse the key now, so that an unusable key stops the start instead of refusing every bundle later.
    if (material?.key !== undefined) loadVerificationKeys(material.key, b.verification.key_id);
    if (material?.secret !== undefined) hmacSecret(material.secret);
  } catch (err) {
    if (err instanceof RegentError) throw new RegentError(AUTHZ_BUNDLE, `bundle.verification: ${err.message}`);
    const file = b.verification.key_file ?? b.verification.secret_file;
    throw new RegentError(AUTHZ_BUNDLE, `cannot read bundle.verification file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return new BundleActivator(
    {
      source: b.source,
      pollMinSeconds: b.poll_min_seconds,
      pollMaxSeconds: b.poll_max_seconds,
      persistDir: b.persist_dir,
      bearerToken: b.bearer_token,
      key: material?.key,
      secret: material?.secret,
      keyId: b.verification.key_id,
      scope: b.verification.scope,
      limits: bundleLimits(config),
      onLimit,
    },
    activate,
    logger,
    onReject,
  );
}
