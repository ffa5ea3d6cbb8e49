/**
 * The per-process request side of the sidecar: token verifier, AI extractor, policy slot,
 * decision log and metrics wired into the Check handler behind the gRPC server. The single
 * process and each cluster worker build one of these; only the budget store differs. With
 * server.ext_proc_addr it also serves Envoy's ext_proc for budget settlement.
 */
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import type { ServeConfig } from "../config/schema.js";
import { JwksKeySource, TokenVerifier } from "../identity/index.js";
import type { BudgetStore } from "../budget/index.js";
import type { Bundle } from "../bundle/bundle.js";
import { compileAiExtractor } from "./ai.js";
import { createCheckHandler } from "./check.js";
import { DecisionLog } from "./log.js";
import { Metrics } from "./metrics.js";
import { instantiateBundle, PolicySlot } from "./policy.js";
import { AuthzServer } from "./server.js";
import { ExtProcServer } from "./extproc.js";
import { createSettler, type Settler } from "./settle.js";
import { loadTokenizer } from "../budget/tokens.js";

export interface DataPlane {
  server: AuthzServer;
  slot: PolicySlot;
  metrics: Metrics;
  settle: Settler;
  jwks?: JwksKeySource;
  /** Instantiates the bundle's policy and swaps it in; throws (and keeps the old one) on failure. */
  activate(bundle: Bundle): Promise<string>;
  start(): Promise<string>;
  shutdown(): Promise<void>;
}

export async function createDataPlane(config: ServeConfig, budget: BudgetStore, logger: Logger, metrics = new Metrics()): Promise<DataPlane> {
  const slot = new PolicySlot();
  const id = config.identity;
  let jwks: JwksKeySource | undefined;
  let verifier: TokenVerifier | undefined;
  if (id.jwks_file || id.jwks_url) {
    jwks = new JwksKeySource({
      file: id.jwks_file,
      url: id.jwks_url,
      cacheSeconds: id.jwks_cache_seconds,
      minRefreshSeconds: id.jwks_min_refresh_seconds,
      maxBytes: config.limits.jwks_bytes,
      onLimit: (limit) => metrics.limitRejections.inc({ limit }),
    });
    if (id.jwks_file) await jwks.load(); // a broken local file is a startup error
    else await jwks.load().catch((err: Error) => logger.warn({ msg: "JWKS not reachable at start; tokens fail with jwks_unavailable until it is", error: err.message }));
    if (id.audience.length === 0) logger.warn({ msg: "identity.audience is empty: tokens issued for any audience are accepted" });
    if (id.issuer.length === 0) logger.warn({ msg: "identity.issuer is empty: tokens from any issuer whose key is in the JWKS are accepted" });
    verifier = new TokenVerifier({
      keys: jwks,
      issuer: id.issuer,
      audience: id.audience,
      algorithms: id.algorithms,
      clockToleranceSeconds: id.clock_tolerance_seconds,
      cacheSize: id.token_cache_size,
      cacheBytes: id.token_cache_bytes,
      requireExp: id.require_exp,
      rejectFutureIat: id.reject_future_iat,
      typ: id.typ,
      maxJsonDepth: config.limits.max_json_depth,
    });
  } else {
    logger.warn({ msg: "no identity.jwks_file or identity.jwks_url: every request is unauthenticated (reason jwks_unavailable)" });
  }
  const log = new DecisionLog(logger, {
    enabled: config.decision_log.enabled,
    level: config.decision_log.level,
    redactHeaders: config.decision_log.redact_headers,
    mask: config.decision_log.mask,
    includeHeaders: config.decision_log.include_headers,
  });
  const tokenizer = config.ai.tokens.count_prompt ? await loadTokenizer() : undefined;
  const check = createCheckHandler({ config, slot, verifier, budget, ai: compileAiExtractor(config.ai, tokenizer), metrics, log });
  const settle = createSettler(budget, metrics, logger);
  const extProc = config.server.ext_proc_addr
    ? new ExtProcServer({
        addr: config.server.ext_proc_addr,
        reservationHeader: config.budget.reservation_header,
        settle,
        onError: (err) => logger.warn({ msg: "ext_proc settlement failed", error: (err as Error)?.message ?? String(err) }),
      })
    : undefined;
  const server = new AuthzServer({
    addr: config.server.addr,
    tls: config.server.tls,
    check,
    failStatus: config.policy.error_status,
    onError: (err) => logger.error({ msg: "check crashed", error: (err as Error)?.stack ?? String(err) }),
  });
  return {
    server,
    slot,
    metrics,
    settle,
    jwks,
    async activate(bundle) {
      const policy = await instantiateBundle(bundle, config.policy.decision_path);
      slot.set(policy);
      metrics.bundleActivated(policy.revision, policy.activatedAt);
      server.setServing(true);
      return policy.revision;
    },
    async start() {
      const addr = await server.start();
      if (extProc) await extProc.start();
      return addr;
    },
    async shutdown() {
      await Promise.all([server.shutdown(config.server.shutdown_grace_ms), extProc?.shutdown(config.server.shutdown_grace_ms)]);
    },
  };
}

/**
 * The verification material from bundle.verification: a public key (inline or from key_file,
 * whose bytes may be PEM, DER or JWK) or an HMAC secret from secret_file, typed by the setting.
 */
export function verificationMaterial(config: ServeConfig): { key?: string | Uint8Array; secret?: Uint8Array } | undefined {
  const v = config.bundle.verification;
  if (v.key !== undefined) return { key: v.key };
  if (v.key_file !== undefined) return { key: readFileSync(v.key_file) };
  if (v.secret_file !== undefined) return { secret: readFileSync(v.secret_file) };
  return undefined;
}
