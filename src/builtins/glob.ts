/**
 * glob.quote_meta: escapes the metacharacters of OPA's glob syntax (gobwas/glob) so that text matches itself.
 */
import { str, type HostFn } from "./args.js";

export const globBuiltins: Record<string, HostFn> = {
  "glob.quote_meta": (x) => str("glob.quote_meta", 1, x).replace(/[*?[\]{},\\]/g, "\\$&"),
};
