/**
 * Error codes of the budget area: a store that cannot be reached or answers nonsense.
 * An exhausted budget is a decision (429/402), not an error.
 */
export const BUDGET_STORE = "budget_store_error";
/** Redis is unreachable (or slower than budget.redis.timeout_ms) and the mode is fail_closed: the Check denies with 503. */
export const BUDGET_UNAVAILABLE = "budget_unavailable_error";
/** A settlement that cannot be applied: a malformed body or reservation header, or a usage that is not a count. */
export const BUDGET_SETTLE = "budget_settle_error";
