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
