/**
 * The reservation header's value: `<decision id>.<tenant in base64url>`. The Check puts it on
 * the request it allows; ext_proc and the settlement endpoint read it back and so know both the
 * reservation and the tenant whose hash tag holds it. Pure.
 */

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const TAG = /^[A-Za-z0-9_-]{0,1400}$/;

export function formatReservation(tenant: string, id: string): string {
  return `${id}.${Buffer.from(tenant, "utf8").toString("base64url")}`;
}

/** Undefined for anything that is not a value formatReservation could have made. */
export function parseReservation(value: string | undefined): { tenant: string; id: string } | undefined {
  if (typeof value !== "string") return undefined;
  const dot = value.indexOf(".");
  if (dot <= 0) return undefined;
  const id = value.slice(0, dot);
  const tag = value.slice(dot + 1);
  if (!ID.test(id) || !TAG.test(tag) || tag.length === 0) return undefined;
  const tenant = Buffer.from(tag, "base64url").toString("utf8");
  if (formatReservation(tenant, id) !== value) return undefined;
  return { tenant, id };
}
