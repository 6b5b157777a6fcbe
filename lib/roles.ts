/**
 * Who may do what, by role, defined once for the pages, the API and the menu. Pure.
 *
 * - admin: everything, every bank.
 * - growth: their bank's experiments and campaigns (a growth lead also its SDK keys).
 * - executive: reads experiments and campaigns.
 * - consultant: the lens (assessments) of their own and assigned banks.
 */
export const ROLES = ["admin", "executive", "growth", "consultant"] as const;
export type Role = typeof ROLES[number];

/** Roles that see experiments and campaigns (pages and API). */
export const EXPERIMENT_READERS: readonly Role[] = ["admin", "growth", "executive"];

/** Roles that create and change experiments and campaigns (in their scope). */
export const EXPERIMENT_MANAGERS: readonly Role[] = ["admin", "growth"];

/** Roles that may mark an assessment value `verified` (issue 19 part 6; others' values stay self-reported). */
export const VALUE_VERIFIERS: readonly Role[] = ["admin", "consultant"];

/**
 * Roles that enter a draft of their own as one of several assessors of a bank and period
 * (issue 19 part 7): consultants of their assigned banks, and admins.
 */
export const ASSESSORS: readonly Role[] = ["admin", "consultant"];

/**
 * Roles that reconcile the assessors' drafts into the bank's submitted assessment: the bank's
 * own executive (the bank owns its figures and signs them off) and admins. There is no "lead
 * consultant" role, so consultants do not reconcile their own drafts.
 */
export const ASSESSMENT_RECONCILERS: readonly Role[] = ["admin", "executive"];
