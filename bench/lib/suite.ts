/**
 * The contract between bench/run.ts and each suite: a suite declares its scenario names up
 * front (so --only can skip its setup entirely) and returns one row per scenario it was asked for.
 */
import type { ScenarioResult } from "./result.js";

export interface SuiteContext {
  quick: boolean;
  /** True when the scenario was selected by --only (or no --only was given). */
  wants(name: string): boolean;
  /** Progress lines go to stderr so stdout stays the table. */
  log(message: string): void;
  /**
   * Runs one group of scenarios; if it throws, its selected scenarios become skipped rows carrying
   * the error and the run is marked failed, while the suite's other groups still run.
   */
  guard(names: readonly string[], fn: () => Promise<ScenarioResult[]>): Promise<ScenarioResult[]>;
  /** Marks the run failed (exit 1) for a problem the suite reports in its own skipped rows. */
  markFailed(why: string): void;
}

export interface Suite {
  name: string;
  scenarios: readonly string[];
  run(ctx: SuiteContext): Promise<ScenarioResult[]>;
}

/**
 * `--only a,b`: a scenario is selected when its name equals a pattern or lies under it at a `/`
 * ("hotpath/rbac" selects "hotpath/rbac/cedar"). A group name is wanted when a pattern lies under it
 * ("hotpath/rbac" is wanted for "hotpath/rbac/cedar"), so suites can skip whole groups cheaply.
 */
export function selector(only: string[]): (name: string) => boolean {
  const pats = only.map((p) => p.replace(/\/+$/, "")).filter(Boolean);
  if (pats.length === 0) return () => true;
  return (name) => pats.some((p) => name === p || name.startsWith(`${p}/`) || p.startsWith(`${name}/`));
}
