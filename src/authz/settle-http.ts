/**
 * POST /v1/budget/settle on the admin port: `{"reservation": "<x-regent-reservation value>",
 * "status": 200, "usage": {...}}` where usage is the provider's own usage object (OpenAI,
 * Anthropic or Gemini shape) or `{"total_tokens": n}`. Answers JSON; bad input is a 400, never a crash.
 */
import type { IncomingMessage } from "node:http";
import { RegentError } from "../errors.js";
import { BUDGET_SETTLE } from "../budget/errors.js";
import { foldUsage, type Usage } from "../budget/usage.js";
import type { Settler } from "./settle.js";

const MAX_BODY = 64 * 1024;

export async function handleSettle(req: IncomingMessage, settle: Settler, send: (code: number, type: string, body: string) => void): Promise<void> {
  const json = (code: number, v: unknown): void => send(code, "application/json", JSON.stringify(v) + "\n");
  if (req.method !== "POST") return json(405, { error: BUDGET_SETTLE, message: "use POST" });
  let text: string;
  try {
    text = await readBody(req);
  } catch (err) {
    return json(413, { error: BUDGET_SETTLE, message: (err as Error).message });
  }
  let parsed: { reservation: string; status?: number; usage?: Usage };
  try {
    parsed = parseSettleBody(text);
  } catch (err) {
    return json(400, { error: BUDGET_SETTLE, message: (err as Error).message });
  }
  try {
    const r = await settle(parsed);
    json(200, r);
  } catch (err) {
    const code = err instanceof RegentError && err.code === BUDGET_SETTLE ? 400 : 503;
    json(code, { error: err instanceof RegentError ? err.code : "internal", message: (err as Error).message });
  }
}

export function parseSettleBody(text: string): { reservation: string; status?: number; usage?: Usage } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new RegentError(BUDGET_SETTLE, "the body must be JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new RegentError(BUDGET_SETTLE, "the body must be a JSON object");
  const o = v as Record<string, unknown>;
  if (typeof o.reservation !== "string") throw new RegentError(BUDGET_SETTLE, "reservation must be the x-regent-reservation header's value");
  const out: { reservation: string; status?: number; usage?: Usage } = { reservation: o.reservation };
  if (o.status !== undefined) {
    if (typeof o.status !== "number" || !Number.isInteger(o.status) || o.status < 100 || o.status > 599)
      throw new RegentError(BUDGET_SETTLE, "status must be an HTTP status code");
    out.status = o.status;
  }
  if (o.usage !== undefined) {
    if (typeof o.usage !== "object" || o.usage === null) throw new RegentError(BUDGET_SETTLE, "usage must be an object");
    const acc: Usage = {};
    // The provider's usage object as it came: wrap it so foldUsage reads it the same way as a response body.
    foldUsage(acc, "usageMetadata" in o.usage ? o.usage : { usage: o.usage });
    if (acc.input === undefined && acc.output === undefined && acc.total === undefined)
      throw new RegentError(BUDGET_SETTLE, "usage has no token counts (prompt/input, completion/output or total tokens as non-negative integers)");
    out.usage = acc;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`body over ${MAX_BODY} bytes`));
        req.destroy();
      } else parts.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}
