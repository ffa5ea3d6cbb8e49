/**
 * The RFC 8693 `act` chain as a flat list, outermost first: actors[0] is the service that
 * called us on the user's behalf, actors[1] the one that called actors[0], and so on.
 * Keeping the subject and the actors apart is what the confused-deputy guard relies on.
 */

/** Deeper chains are cut here: a token cannot make the sidecar walk an unbounded structure. */
export const MAX_ACTOR_DEPTH = 16;

export type Actor = Record<string, unknown>;

export function actorChain(claims: Record<string, unknown>): Actor[] {
  const out: Actor[] = [];
  let act = claims["act"];
  while (isObject(act) && out.length < MAX_ACTOR_DEPTH) {
    const { act: next, ...actor } = act;
    out.push(actor);
    act = next;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
