/**
 * uuid.parse (the fields Go's google/uuid exposes, as OPA returns them) and uuid.rfc4122 (a random v4 UUID,
 * fixed per key for one evaluation, as OPA caches it per query; see context.ts for what "evaluation" means).
 */
import { randomUUID } from "node:crypto";
import { str, type HostFn } from "./args.js";
import type { HostContext } from "./context.js";
import { builtinError } from "./errors.js";

/** 100 ns intervals between 1582-10-15 (the UUID epoch) and 1970-01-01. */
const UUID_EPOCH_OFFSET = 0x01b21dd213814000n;

function bytesOf(s: string): Buffer | undefined {
  let hex: string;
  if (s.length === 36) hex = s;
  else if (s.length === 38 && s.startsWith("{") && s.endsWith("}")) hex = s.slice(1, -1);
  else if (s.length === 45 && s.toLowerCase().startsWith("urn:uuid:")) hex = s.slice(9);
  else if (s.length === 32) return /^[0-9a-fA-F]{32}$/.test(s) ? Buffer.from(s, "hex") : undefined;
  else return undefined;
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(hex)) return undefined;
  return Buffer.from(hex.replaceAll("-", ""), "hex");
}

function variant(b: number): string {
  if ((b & 0xc0) === 0x80) return "RFC4122";
  if ((b & 0xe0) === 0xc0) return "Microsoft";
  if ((b & 0xe0) === 0xe0) return "Future";
  return "Reserved";
}

function parseUuid(x: unknown): Record<string, unknown> {
  const s = str("uuid.parse", 1, x);
  const b = bytesOf(s);
  if (!b) throw builtinError("uuid.parse", `invalid UUID ${JSON.stringify(s)}`);
  const version = b[6]! >> 4;
  const out: Record<string, unknown> = { version, variant: variant(b[8]!) };
  if (version === 1 || version === 2) {
    const low = BigInt(b.readUInt32BE(0)), mid = BigInt(b.readUInt16BE(4)), hi = BigInt(b.readUInt16BE(6) & 0x0fff);
    const t = (hi << 48n) | (mid << 32n) | low;
    out.time = (t - UUID_EPOCH_OFFSET) * 100n;
    out.clocksequence = b.readUInt16BE(8) & 0x3fff;
    out.nodeid = [...b.subarray(10)].map((x) => x.toString(16).padStart(2, "0")).join("-");
    out.macvariables = `${b[10]! & 0x02 ? "local" : "global"}:${b[10]! & 0x01 ? "multicast" : "unicast"}`;
    if (version === 2) {
      out.id = b.readUInt32BE(0);
      out.domain = ["Person", "Group", "Org"][b[9]!] ?? `Domain${b[9]}`;
    }
  }
  return out;
}

export function uuidBuiltins(ctx: HostContext): Record<string, HostFn> {
  return {
    "uuid.parse": parseUuid,
    "uuid.rfc4122": (k) => {
      const key = str("uuid.rfc4122", 1, k);
      return ctx.memo(`uuid.rfc4122:${key}`, () => randomUUID());
    },
  };
}
