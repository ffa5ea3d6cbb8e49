/**
 * `regent serve`: the Envoy/Istio ext_authz sidecar. Configuration comes from a YAML file
 * (--config), REGENT_SECTION__KEY environment variables and these flags, in rising priority;
 * an invalid configuration is refused at start naming the key.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { RegentError } from "../errors.js";
import { resolveConfig } from "../config/load.js";
import { CONFIG_FILE, CONFIG_INVALID } from "../config/errors.js";
import type { ServeConfig } from "../config/schema.js";
import { createLogger, serve } from "../authz/index.js";

interface Flags {
  config?: string;
  bundle?: string;
  addr?: string;
  adminAddr?: string;
  workers?: string;
  decisionPath?: string;
  failMode?: string;
  verificationKey?: string;
  verificationKeyId?: string;
  verificationSecretFile?: string;
  verificationScope?: string;
  persistDir?: string;
  pollMin?: string;
  pollMax?: string;
  jwksFile?: string;
  jwksUrl?: string;
  issuer?: string[];
  audience?: string[];
  logLevel?: string;
  printConfig?: boolean;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("run the Envoy/Istio ext_authz gRPC sidecar (Check + health on --addr, /health and /metrics on --admin-addr)")
    .option("-c, --config <file>", "YAML configuration file")
    .option("-b, --bundle <path|url|oci-ref>", "bundle source: a .tar.gz, a bundle folder, an http(s) URL or oci://host/repo:tag|@sha256:… (bundle.source)")
    .option("--addr <host:port|unix:path>", "gRPC listen address (server.addr, default 127.0.0.1:9191)")
    .option("--admin-addr <host:port>", "admin HTTP address (server.admin_addr, default 127.0.0.1:8181)")
    .option("-w, --workers <n>", "worker processes; 0 = one per CPU (server.workers)")
    .option("--decision-path <path>", "decision entrypoint (policy.decision_path, default envoy/authz/allow)")
    .option("--fail-mode <deny|allow>", "answer when no bundle is active or evaluation fails (policy.fail_mode)")
    .option("--verification-key <file>", "public key (PEM, DER, JWK or JWKS) bundles must be signed with (bundle.verification.key_file)")
    .option("--verification-secret-file <file>", "HMAC secret (HS256/384/512) bundles must be signed with (bundle.verification.secret_file)")
    .option("--verification-key-id <kid>", "key id for bundle verification (bundle.verification.key_id)")
    .option("--verification-scope <scope>", "required signature scope (bundle.verification.scope)")
    .option("--persist-dir <dir>", "where the last verified bundle is kept (bundle.persist_dir)")
    .option("--poll-min <seconds>", "bundle poll interval lower bound (bundle.poll_min_seconds)")
    .option("--poll-max <seconds>", "bundle poll interval upper bound (bundle.poll_max_seconds)")
    .option("--jwks-file <file>", "JWKS file for bearer tokens (identity.jwks_file)")
    .option("--jwks-url <url>", "JWKS URL for bearer tokens (identity.jwks_url)")
    .option("--issuer <iss...>", "accepted token issuers (identity.issuer)")
    .option("--audience <aud...>", "accepted token audiences (identity.audience)")
    .option("--log-level <level>", "decision log level (decision_log.level)")
    .option("--print-config", "print the effective configuration as JSON and exit")
    .action(async (flags: Flags) => {
      let config: ServeConfig;
      try {
        config = loadServeConfig(flags, process.env);
      } catch (err) {
        if (err instanceof RegentError) {
          process.stderr.write(`regent serve: ${err.toString()}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
      if (flags.printConfig) {
        process.stdout.write(JSON.stringify(config, null, 2) + "\n");
        return;
      }
      const logger = createLogger(config.decision_log.level);
      let running;
      try {
        running = await serve(config, logger, process.argv[1]);
      } catch (err) {
        if (err instanceof RegentError) {
          logger.fatal({ msg: "cannot start", code: err.code, error: err.message });
          logger.flush();
          process.stderr.write(`regent serve: ${err.toString()}\n`);
          process.exit(1);
        }
        throw err;
      }
      if (!running) return; // a cluster worker: it stops on the primary's word
      let closing = false;
      const stop = (signal: string): void => {
        if (closing) return;
        closing = true;
        logger.info({ msg: "shutting down: draining in-flight checks", signal });
        running!.close().then(
          () => {
            logger.flush();
            process.exit(0);
          },
          (err: unknown) => {
            logger.error({ msg: "unclean shutdown", error: (err as Error).message });
            logger.flush();
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", () => stop("SIGTERM"));
      process.on("SIGINT", () => stop("SIGINT"));
    });
}

export function loadServeConfig(flags: Flags, env: Record<string, string | undefined>): ServeConfig {
  let fileText: string | undefined;
  if (flags.config) {
    try {
      fileText = readFileSync(flags.config, "utf8");
    } catch (err) {
      throw new RegentError(CONFIG_FILE, `cannot read ${flags.config}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const num = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new RegentError(CONFIG_INVALID, `${flag}: must be a whole number, got "${v}"`);
    return Number(v);
  };
  return resolveConfig({
    fileText,
    fileName: flags.config,
    env,
    overrides: {
      "bundle.source": flags.bundle,
      "server.addr": flags.addr,
      "server.admin_addr": flags.adminAddr,
      "server.workers": num(flags.workers, "--workers"),
      "policy.decision_path": flags.decisionPath,
      "policy.fail_mode": flags.failMode,
      "bundle.verification.key_file": flags.verificationKey,
      "bundle.verification.key_id": flags.verificationKeyId,
      "bundle.verification.secret_file": flags.verificationSecretFile,
      "bundle.verification.scope": flags.verificationScope,
      "bundle.persist_dir": flags.persistDir,
      "bundle.poll_min_seconds": num(flags.pollMin, "--poll-min"),
      "bundle.poll_max_seconds": num(flags.pollMax, "--poll-max"),
      "identity.jwks_file": flags.jwksFile,
      "identity.jwks_url": flags.jwksUrl,
      "identity.issuer": flags.issuer,
      "identity.audience": flags.audience,
      "decision_log.level": flags.logLevel,
    },
  });
}
