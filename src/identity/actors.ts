/**
 * The RFC 8693 `act` chain as a flat list, outermost first: actors[0] is the service that
 * called us on the user's behalf, actors[1] the one that called actors[0], and so on.
 * Keeping the subject and the actors apart is what the confused-deputy guard relies on.
 */

/** Deeper chains are cut here (limits.max_act_depth): a token cannot make the sidecar walk an unbounded structure. */
export const MAX_ACTOR_DEPTH = 16;

export type Actor = Record<string, unknown>;

/** Why a chain cannot be trusted as given: an `act` that is not an object, or one deeper than the limit. */
export type DelegationError = "act_malformed" | "act_too_deep";

export function actorChain(claims: Record<string, unknown>, maxDepth = MAX_ACTOR_DEPTH): Actor[] {
  return delegation(claims, maxDepth).actors;
}

/** The chain (cut at `maxDepth`) and, when the claim is not a well-formed chain, why not. */
export function delegation(claims: Record<string, unknown>, maxDepth = MAX_ACTOR_DEPTH): { actors: Actor[]; error?: DelegationError } {
  const out: Actor[] = [];
  let act = claims["act"];
  while (act !== undefined) {
    if (!isObject(act)) return { actors: out, error: "act_malformed" };
    if (out.length >= maxDepth) return { actors: out, error: "act_too_deep" };
    const { act: next, ...actor } = act;
    out.push(actor);
    act = next;
  }
  return { actors: out };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
