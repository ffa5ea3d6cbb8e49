/**
 * Delta bundles (src/bundle/delta.ts): OPA's upsert / remove / replace ops on a copy of the
 * snapshot's data, paths with JSON Pointer escapes and array elements, and every way a delta
 * can be malformed or not fit the active snapshot, each a bundle_delta_error.
 */
import { describe, expect, it } from "vitest";
import { parseBundleFiles } from "../../src/bundle/bundle.js";
import { applyDelta, applyPatch, isDeltaBundle, parseDelta } from "../../src/bundle/delta.js";
import { TINY_WASM } from "./fixtures.js";

const enc = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));
const snapshot = () =>
  parseBundleFiles(
    new Map([
      [".manifest", enc({ revision: "s1", roots: ["tenants", "models"], wasm: [{ entrypoint: "tenants/allow", module: "/policy.wasm" }] })],
      ["policy.wasm", TINY_WASM],
      ["tenants/data.json", enc({ acme: { limit: 1000 }, globex: { limit: 500 } })],
      ["models/data.json", enc({ allowed: ["gpt-4o", "llama-3"] })],
    ]),
  );
const delta = (ops: unknown, manifest: Record<string, unknown> = { revision: "d1" }, extra: [string, Uint8Array][] = []) =>
  parseBundleFiles(new Map([[".manifest", enc(manifest)], ["patch.json", enc({ data: ops })], ...extra]));
const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (err) {
    return `${(err as { code?: string }).code}: ${(err as Error).message}`;
  }
  return undefined;
};

describe("delta bundles", () => {
  it("changes one tenant's limit and keeps everything else, with the delta's revision", () => {
    const base = snapshot();
    const d = delta([{ op: "upsert", path: "/tenants/acme/limit", value: 5000 }]);
    expect(isDeltaBundle(d)).toBe(true);
    const next = applyDelta(base, d);
    expect(next.data).toEqual({ tenants: { acme: { limit: 5000 }, globex: { limit: 500 } }, models: { allowed: ["gpt-4o", "llama-3"] } });
    expect(next.manifest.revision).toBe("d1");
    expect(next.manifest.roots).toEqual(["tenants", "models"]);
    expect(next.wasm[0].bytes).toEqual(TINY_WASM);
    expect(base.data.tenants).toEqual({ acme: { limit: 1000 }, globex: { limit: 500 } }); // the snapshot is untouched
    expect(isDeltaBundle(next)).toBe(false);
  });

  it("applies upsert (creating objects), replace, remove and array elements in order", () => {
    const data: Record<string, unknown> = { a: { list: [1, 2, 3] }, "x/y": { "~t": 1 } };
    applyPatch(data, [
      { op: "upsert", path: ["b", "c", "d"], value: true },
      { op: "replace", path: ["a", "list", "1"], value: 20 },
      { op: "upsert", path: ["a", "list", "-"], value: 4 },
      { op: "remove", path: ["a", "list", "0"] },
      { op: "remove", path: ["x/y", "~t"] },
    ]);
    expect(data).toEqual({ a: { list: [20, 3, 4] }, "x/y": {}, b: { c: { d: true } } });
    expect(parseDelta(delta([{ op: "remove", path: "/x~1y/~0t" }]))).toEqual([{ op: "remove", path: ["x/y", "~t"] }]);
  });

  it("refuses malformed deltas and deltas that do not fit the snapshot", () => {
    const base = snapshot();
    const cases: [() => unknown, RegExp][] = [
      [() => applyDelta(base, delta([{ op: "replace", path: "/tenants/initech/limit", value: 1 }])), /replace \/tenants\/initech\/limit: \/tenants\/initech does not exist/],
      [() => applyDelta(base, delta([{ op: "remove", path: "/tenants/acme/quota" }])), /remove \/tenants\/acme\/quota: it does not exist/],
      [() => applyDelta(base, delta([{ op: "upsert", path: "/secrets/x", value: 1 }])), /outside the active bundle's roots/],
      [() => applyDelta(base, delta([{ op: "add", path: "/tenants/a", value: 1 }])), /op must be upsert, remove or replace/],
      [() => applyDelta(base, delta([{ op: "upsert", path: "/tenants/a" }])), /upsert needs a value/],
      [() => applyDelta(base, delta([{ op: "upsert", path: "/", value: {} }])), /non-root JSON pointer/],
      [() => applyDelta(base, delta([{ op: "upsert", path: "tenants", value: {} }])), /non-root JSON pointer/],
      [() => applyDelta(base, delta([], { revision: "d", roots: ["tenants"] })), /roots \[tenants\] differ/],
      [() => applyDelta(base, delta([], { revision: "d" }, [["data.json", enc({})]])), /holds only .manifest and patch.json; this one also has data.json/],
      [() => applyDelta(base, parseBundleFiles(new Map([[".manifest", enc({ revision: "d" })], ["patch.json", enc("{nope")]]))), /patch.json: not valid JSON/],
      [() => applyDelta(base, parseBundleFiles(new Map([[".manifest", enc({ revision: "d" })], ["patch.json", enc({ ops: [] })]]))), /must be \{"data"/],
      [() => applyDelta(base, delta([{ op: "upsert", path: "/models/allowed/7", value: "x" }])), /no array element 7/],
    ];
    for (const [f, want] of cases) {
      const got = code(f);
      expect(got, String(want)).toMatch(/^bundle_delta_error: /);
      expect(got).toMatch(want);
    }
  });
});
