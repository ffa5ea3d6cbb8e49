/**
 * Parses `npm run bench` arguments: --quick, --only <scenario[,scenario]> (repeatable),
 * --out <file>, --list. Unknown flags are an error that names the flag, never ignored.
 */
import { RegentError } from "../../src/errors.js";

export interface BenchArgs {
  quick: boolean;
  only: string[];
  out: string;
  list: boolean;
}

export const DEFAULT_OUT = "bench/results/latest.json";

export function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { quick: false, only: [], out: DEFAULT_OUT, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new RegentError("bench_args_error", `${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--quick":
        args.quick = true;
        break;
      case "--only":
        args.only.push(...value().split(",").map((s) => s.trim()).filter(Boolean));
        break;
      case "--out":
        args.out = value();
        break;
      case "--list":
        args.list = true;
        break;
      default:
        throw new RegentError("bench_args_error", `unknown argument "${a}" (expected --quick, --only <scenario>, --out <file>, --list)`);
    }
  }
  return args;
}
