/**
 * The one place that knows which terms a term contains, so that the stages' walkers (var
 * collection, safety, dependencies) stay a few lines each. Comprehension bodies are scopes of
 * their own: walkers that need them look into them explicitly.
 */
import type { Term } from "../rego/ast.js";

/** The direct sub-terms of a term, not looking into comprehensions (a call's function name is not one). */
export function subterms(t: Term): Term[] {
  switch (t.type) {
    case "ref":
      return t.terms;
    case "array":
    case "set":
      return t.items;
    case "object":
      return t.items.flat();
    case "call":
      return t.args;
    default:
      return [];
  }
}
