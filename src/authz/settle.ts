/**
 * Settlement of a reservation once the response is known, shared by the ext_proc service and
 * the admin endpoint: an upstream error refunds, a reported usage replaces the reservation, a
 * success without usage charges it in full. Counts every outcome and logs failures.
 */
import type { Logger } from "pino";
import { CHARGE_RESERVED, parseReservation, type BudgetStore, type SettleResult } from "../budget/index.js";
import { BUDGET_SETTLE } from "../budget/errors.js";
import { usageTotal, type Usage } from "../budget/usage.js";
import { RegentError } from "../errors.js";
import type { Metrics } from "./metrics.js";

export interface SettleRequest {
  /** The reservation header's value, as the Check put it on the request. */
  reservation: string;
  /** The upstream's HTTP status; 400 and above refunds. */
  status?: number;
  usage?: Usage;
}

export type Settler = (req: SettleRequest) => Promise<SettleResult & { result: string }>;

export function createSettler(store: BudgetStore, metrics: Metrics, logger: Logger): Settler {
  return async (req) => {
    const r = parseReservation(req.reservation);
    if (!r) {
      metrics.budgetSettlements.inc({ result: "error" });
      throw new RegentError(BUDGET_SETTLE, `not a reservation id: ${JSON.stringify(String(req.reservation).slice(0, 80))}`);
    }
    const failed = req.status !== undefined && req.status >= 400;
    const used = req.usage ? usageTotal(req.usage) : undefined;
    const charged = failed ? 0 : used ?? CHARGE_RESERVED;
    let out: SettleResult;
    try {
      out = await store.settle(r.tenant, r.id, charged);
    } catch (err) {
      metrics.budgetSettlements.inc({ result: "error" });
      logger.warn({ msg: "budget settlement failed; the reservation will expire", decision_id: r.id, error: (err as Error).message });
      throw err;
    }
    const result = !out.found ? "unknown" : failed ? "refunded" : used === undefined ? "charged_in_full" : "settled";
    metrics.budgetSettlements.inc({ result });
    logger.info({ msg: "budget settled", decision_id: r.id, tenant: r.tenant, result, reserved: out.reserved, charged: out.charged, upstream_status: req.status });
    return { ...out, result };
  };
}
