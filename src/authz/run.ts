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
import { readFileSync } from "node:fs";
import { BundleActivator, type BundleSourceOptions } from "./bundles.js";
import { BundleKeyring } from "./bundle-keys.js";
import { isOciSource, parseOciReference } from "../bundle/oci-format.js";
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
  const metrics = new Metrics();
  const budget = await createBudgetStore(config.budget, budgetModeReporter(config, logger, metrics));
  const plane = await createDataPlane(config, budget, logger, metrics);
  const activator = createActivator(config, logger, async (bundle) => {
    await plane.activate(bundle);
  }, () => plane.metrics.bundleActivations.inc({ result: "rejected" }), (ok) => plane.metrics.bundlePolled(ok), (limit) => plane.metrics.limitRejections.inc({ limit }));
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

export function bundleLimits(config: ServeConfig): BundleLimits {
  const l = config.limits;
  return { downloadBytes: l.bundle_download_bytes, expandedBytes: l.bundle_expanded_bytes, fileBytes: l.bundle_file_bytes, files: l.bundle_files, maxJsonDepth: l.max_json_depth };
}

export function createActivator(
  config: ServeConfig,
  logger: Logger,
  activate: ConstructorParameters<typeof BundleActivator>[1],
  onReject: (reason: string) => void,
  onPoll?: (ok: boolean) => void,
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
  let oci: BundleSourceOptions["oci"];
  if (isOciSource(b.source)) {
    try {
      parseOciReference(b.source, { plainHttp: b.registry.plain_http });
      const password = b.registry.password_file !== undefined ? readFileSync(b.registry.password_file, "utf8").replace(/\r?\n$/, "") : undefined;
      if (password !== undefined && b.registry.username === undefined) throw new RegentError(AUTHZ_BUNDLE, "bundle.registry.password_file needs bundle.registry.username");
      const credentials = b.registry.username !== undefined || b.bearer_token !== undefined ? { username: b.registry.username, password, token: b.bearer_token } : undefined;
      oci = { credentials, plainHttp: b.registry.plain_http };
    } catch (err) {
      if (err instanceof RegentError) throw new RegentError(AUTHZ_BUNDLE, `bundle.source: ${err.message}`);
      throw new RegentError(AUTHZ_BUNDLE, `cannot read bundle.registry.password_file ${b.registry.password_file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const v = b.verification;
  const keyring =
    v.keys || v.jwks_url
      ? new BundleKeyring({ files: (v.keys ?? []).map((k) => ({ keyId: k.key_id, file: k.key_file })), jwksUrl: v.jwks_url, refreshSeconds: v.jwks_refresh_seconds }, logger)
      : undefined;
  return new BundleActivator(
    {
      oci,
      keyring,
      onPoll,
      backoffMaxSeconds: b.backoff_max_seconds,
      longPollingTimeoutSeconds: b.long_polling_timeout_seconds,
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
