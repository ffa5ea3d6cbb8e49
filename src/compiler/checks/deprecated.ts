/**
 * CheckDeprecatedBuiltins (OPA's checkDeprecatedBuiltins, on for every Rego v1 module): calls
 * to the built-ins removed from Rego v1 (`any`, `all`, `re_match`, `set_diff`,
 * `net.cidr_overlap`, the `cast_*` family) are type errors. Runs after RewriteVars, so a
 * package's own function of the same name (`data.pkg.any`) is not mistaken for one.
 */
import type { Rule } from "../../rego/ast.js";
import { lookupBuiltin } from "../../builtins/decls.js";
import { TYPE_ERROR, type ErrorList } from "../errors.js";
import { callName } from "../rewrite/vars.js";
import { walkRule } from "../ast/walk.js";

export function checkDeprecatedBuiltins(clauses: Iterable<Rule[]>, errors: ErrorList): void {
  for (const chain of clauses) {
    for (const rule of chain) {
      walkRule(rule, {
        term(t) {
          if (t.type !== "call") return;
          const name = callName(t.fn);
          if (name && lookupBuiltin(name)?.deprecated) errors.add(TYPE_ERROR, `deprecated built-in function calls in expression: ${name}`, t.loc);
        },
      });
    }
  }
}
