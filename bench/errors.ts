/**
 * The error codes the benchmark harness reports. Each is documented in docs/errors.md.
 */
export const BENCH_ERRORS = {
  /** A command-line argument is unknown or lacks its value. */
  args: "bench_args_error",
  /** --only matched no scenario. */
  selection: "bench_selection_error",
  /** A scenario's two sides disagree on the decision, so comparing their times would be meaningless. */
  mismatch: "bench_mismatch_error",
  /** A server or load-generator process failed to start, answer or exit in time. */
  process: "bench_process_error",
} as const;
