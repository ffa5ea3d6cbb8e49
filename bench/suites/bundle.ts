/**
 * A hidden cost of every bundle update: activation as the sidecar does it, from the signed .tar.gz
 * bytes to a policy ready to evaluate: read (gunzip, untar, validate), verify the signature, instantiate
 * (wasm compile and setData). Each step is timed alone, and the whole.
 */
import { generateKeyPairSync } from "node:crypto";
import { buildAiBundle, type BundleLike } from "../e2e/bundle.js";
import { measureAsync } from "../lib/measure.js";
import { piece } from "../lib/pieces.js";
import { skipped, type ScenarioResult } from "../lib/result.js";
import type { Suite } from "../lib/suite.js";
import { AI_GATEWAY_ENTRYPOINT } from "./compile.js";

interface PolicyModule {
  instantiateBundle(b: BundleLike, decisionPath: string): Promise<{ evaluate(input: unknown): unknown }>;
}

const STEPS = ["bundle/read", "bundle/verify", "bundle/instantiate", "bundle/activation"] as const;

export const bundleSuite: Suite = {
  name: "bundle",
  scenarios: STEPS,
  async run(ctx) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const built = await buildAiBundle({ privatePem, alg: "ES256", keyId: "bench" });
    if (!built.ok) return STEPS.map((n) => skipped(n, built.why));
    const policy = await piece<PolicyModule>("src/authz/policy.ts", ["instantiateBundle"]);
    if (!policy.ok) return STEPS.map((n) => skipped(n, policy.why));
    const { mod, bytes } = built;
    const read = (): Promise<BundleLike> => mod.readBundle(bytes);
    const verify = async (b: BundleLike): Promise<void> => {
      const r = await mod.verifyBundle(b, { key: publicPem, keyId: "bench" });
      if (!r.ok || !r.signed) throw new Error("the benchmark bundle did not verify");
    };
    const instantiate = (b: BundleLike): Promise<unknown> => policy.mod.instantiateBundle(b, AI_GATEWAY_ENTRYPOINT);
    const sample = await read();
    await verify(sample);
    const n = ctx.quick ? 5 : 40;
    const extra = { bundle_bytes: bytes.byteLength, wasm_bytes: sample.wasm[0]?.bytes.byteLength ?? 0 };
    const rows: ScenarioResult[] = [];
    const add = async (name: (typeof STEPS)[number], fn: () => Promise<unknown>): Promise<void> => {
      if (!ctx.wants(name)) return;
      ctx.log(`${name}: ${n} runs`);
      const r = await measureAsync(name, fn, n, 2);
      rows.push({ ...r, extra: { ...r.extra, ...extra } });
    };
    await add("bundle/read", read);
    await add("bundle/verify", () => verify(sample));
    await add("bundle/instantiate", () => instantiate(sample));
    await add("bundle/activation", async () => {
      const b = await read();
      await verify(b);
      return instantiate(b);
    });
    return rows;
  },
};
