// Exports the switch for OPA's strict built-in errors (see lib/args.ts) under a `regent_` name,
// so that the linker can find it and patch its initial value; like every non-ABI export it is
// removed after linking.

export { regent_strict_builtin_errors } from "./lib/args";
