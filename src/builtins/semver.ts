/**
 * semver.is_valid and semver.compare: strict Semantic Versioning 2.0.0 (no "v" prefix, no missing parts),
 * precedence by major.minor.patch then pre-release identifiers; build metadata is ignored.
 */
import { str, type HostFn } from "./args.js";
import { builtinError } from "./errors.js";

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

interface Version { core: bigint[]; pre: string[] }

function parse(s: string): Version | undefined {
  const m = SEMVER.exec(s);
  if (!m) return undefined;
  return { core: [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)], pre: m[4] ? m[4].split(".") : [] };
}

function cmpIdent(a: string, b: string): number {
  const na = /^\d+$/.test(a), nb = /^\d+$/.test(b);
  if (na && nb) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareSemver(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.core[i] !== b.core[i]) return a.core[i]! < b.core[i]! ? -1 : 1;
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const c = cmpIdent(a.pre[i]!, b.pre[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

export const semverBuiltins: Record<string, HostFn> = {
  "semver.is_valid": (x) => typeof x === "string" && parse(x) !== undefined,
  "semver.compare": (a, b) => {
    const name = "semver.compare";
    const sa = str(name, 1, a), sb = str(name, 2, b);
    const va = parse(sa);
    if (!va) throw builtinError(name, `operand 1: string ${JSON.stringify(sa)} is not a valid SemVer`);
    const vb = parse(sb);
    if (!vb) throw builtinError(name, `operand 2: string ${JSON.stringify(sb)} is not a valid SemVer`);
    return compareSemver(va, vb);
  },
};
