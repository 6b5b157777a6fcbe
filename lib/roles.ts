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

/** Roles that run the administration pages (users, audit log). */
export const ADMINS: readonly Role[] = ["admin"];

/** What a page rule looks at: the signed-in user's role (and whether a growth user leads). */
export interface PageUser {
  role: Role;
  growthLead?: boolean;
}

/** Admins, and growth leads for their own bank, manage SDK keys. */
export function managesSdkKeys(user: PageUser): boolean {
  return user.role === "admin" || (user.role === "growth" && user.growthLead === true);
}

/**
 * Who opens which page, and every page below it (`/alerts` also covers `/alerts/:id`); the
 * longest listed prefix of a path decides (`/alerts/channels` is for managers only). One
 * definition for the page guards (`guardPage` in plugins/session.ts) and the menu
 * (components/Layout.tsx), so the menu never offers a page that answers 403. A page not listed
 * is open to every signed-in user.
 */
export const PAGE_RULES = {
  "/experiments": EXPERIMENT_READERS,
  "/campaigns": EXPERIMENT_READERS,
  "/metrics": EXPERIMENT_READERS,
  "/alerts": EXPERIMENT_READERS,
  "/alerts/channels": EXPERIMENT_MANAGERS,
  "/digests": EXPERIMENT_READERS,
  "/holdout": EXPERIMENT_READERS,
  "/governance/policy": EXPERIMENT_MANAGERS,
  "/governance/pressure": EXPERIMENT_MANAGERS,
  "/governance/layers": EXPERIMENT_READERS,
  "/admin/users": ADMINS,
  "/admin/audit": ADMINS,
  "/admin/keys": managesSdkKeys,
} as const satisfies Record<string, readonly Role[] | ((user: PageUser) => boolean)>;

/** A page with a rule in `PAGE_RULES`. */
export type GuardedPage = keyof typeof PAGE_RULES;

/** Whether the user may open the page at `path` (its longest prefix in `PAGE_RULES`). */
export function mayOpenPage(user: PageUser, path: string): boolean {
  const within = (page: string) => path === page || path.startsWith(`${page}/`);
  const page = (Object.keys(PAGE_RULES) as GuardedPage[]).filter(within)
    .sort((a, b) => b.length - a.length)[0];
  if (!page) return true;
  const rule: readonly Role[] | ((user: PageUser) => boolean) = PAGE_RULES[page];
  return typeof rule === "function" ? rule(user) : rule.includes(user.role);
}
