/**
 * The budget area's public surface: the store contract, the in-process store, and the rule
 * that picks the budget key and limit for a request.
 */
export { windowBounds, retryAfterSeconds, type BudgetState, type BudgetStore, type ReserveResult } from "./store.js";
export { MemoryBudgetStore } from "./memory.js";
export { resolveBudget, type BudgetRules, type BudgetSubject, type BudgetTarget } from "./resolve.js";
