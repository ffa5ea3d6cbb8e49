/**
 * The active policy: a loaded wasm instance for the decision entrypoint plus the bundle's data
 * and revision. Activation builds a new instance off to the side and swaps one reference, so
 * a Check sees either the old bundle or the new one, never a mix.
 */
import type { Bundle } from "../bundle/bundle.js";
import { loadPolicy } from "../evaluator/index.js";
import { RegentError } from "../errors.js";
import { AUTHZ_BUNDLE, AUTHZ_EVAL } from "./errors.js";

export interface ActivePolicy {
  revision: string;
  /** The bundle's merged data (classification lookups read it). */
  data: Record<string, unknown>;
  activatedAt: number;
  /** Evaluates the decision entrypoint; undefined when the decision is undefined. */
  evaluate(input: unknown): unknown;
}

/** One mutable reference; readers take it once per Check and keep using that object. */
export class PolicySlot {
  current: ActivePolicy | undefined;
  swaps = 0;

  set(next: ActivePolicy): void {
    this.current = next;
    this.swaps++;
  }
}

/** Picks the wasm module whose manifest entrypoint is the decision path and instantiates it. */
export async function instantiateBundle(bundle: Bundle, decisionPath: string, now = Date.now()): Promise<ActivePolicy> {
  const want = normalizeEntrypoint(decisionPath);
  const entry = bundle.wasm.find((w) => normalizeEntrypoint(w.entrypoint) === want);
  if (!entry) {
    const have = bundle.wasm.map((w) => w.entrypoint).join(", ") || "none";
    throw new RegentError(AUTHZ_BUNDLE, `the bundle has no wasm module for the decision path ${decisionPath} (entrypoints: ${have})`);
  }
  let policy: Awaited<ReturnType<typeof loadPolicy>>;
  try {
    policy = await loadPolicy(entry.bytes);
  } catch (err) {
    throw new RegentError(AUTHZ_BUNDLE, `cannot load ${entry.module}: ${(err as Error).message}`);
  }
  // The module's own entrypoint table decides the id; names may be written with "/" or ".".
  const ids = policy.entrypoints as Record<string, number> | undefined;
  const id = ids ? Object.keys(ids).find((k) => normalizeEntrypoint(k) === want) : undefined;
  const ep: string | number = id !== undefined ? ids![id]! : entry.entrypoint;
  const data = bundle.data ?? {};
  try {
    policy.setData(data);
  } catch (err) {
    throw new RegentError(AUTHZ_BUNDLE, `cannot load the bundle data into ${entry.module}: ${(err as Error).message}`);
  }
  const revision = typeof bundle.manifest.revision === "string" ? bundle.manifest.revision : "";
  return {
    revision,
    data,
    activatedAt: now,
    evaluate(input: unknown): unknown {
      let rs: unknown;
      try {
        rs = policy.evaluate(input, ep);
      } catch (err) {
        if (err instanceof RegentError) throw err;
        throw new RegentError(AUTHZ_EVAL, (err as Error).message);
      }
      return Array.isArray(rs) && rs.length > 0 ? (rs[0] as { result?: unknown }).result : undefined;
    },
  };
}

export function normalizeEntrypoint(e: string): string {
  return e.replace(/^data[./]/, "").replace(/\./g, "/").replace(/^\/+/, "");
}
