/**
 * The budget area's public surface: the store contract and its two stores, the rules that pick
 * the scopes and limits of a request, input.budget, token counting and settlement parsing.
 */
export * from "./store.js";
export { MemoryBudgetStore } from "./memory.js";
export { resolveBudget, type BudgetRules, type BudgetSubject, type BudgetTarget } from "./resolve.js";
export { resolveScopes, agentOf, SCOPE_NAMES, type BudgetPlan, type ScopeName, type ScopeRules, type ScopeTarget } from "./scopes.js";
export { budgetInput, type BudgetView } from "./view.js";
export { formatReservation, parseReservation } from "./reservation-id.js";
