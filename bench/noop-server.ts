/**
 * A no-op ext_authz Check server on grpc-js: it allows every request without looking at it.
 * It is the transport's limit that `regent serve` is compared with, run the same way (its own process).
 * Usage: node --import tsx bench/noop-server.ts [--port N]; prints "listening <port>" when ready.
 */
import * as grpc from "@grpc/grpc-js";
import { AUTH_SERVICE, loadAuthProto } from "./lib/proto.js";

const portAt = process.argv.indexOf("--port");
const port = portAt > 0 ? Number(process.argv[portAt + 1]) : 0;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`noop-server: --port must be an integer from 0 to 65535, got "${process.argv[portAt + 1]}"\n`);
  process.exit(2);
}

const def = loadAuthProto();
const proto = grpc.loadPackageDefinition(def) as unknown as Record<string, unknown>;
const svc = AUTH_SERVICE.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], proto) as { service: grpc.ServiceDefinition };

const server = new grpc.Server();
const ALLOW = { status: { code: 0 } };
server.addService(svc.service, {
  Check: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, ALLOW),
});
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
  if (err) {
    process.stderr.write(`noop-server: cannot listen on 127.0.0.1:${port}: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`listening ${bound}\n`);
});
const stop = (): void => server.tryShutdown(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
