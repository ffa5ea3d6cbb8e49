/**
 * Error codes of the budget area: a store that cannot be reached or answers nonsense.
 * An exhausted budget is a decision (429/402), not an error.
 */
export const BUDGET_STORE = "budget_store_error";
