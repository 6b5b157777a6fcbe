/** What a database error means, for callers that leave a rule to a constraint. */

/** PostgreSQL's `unique_violation` (SQLSTATE 23505), raised by both PGlite and postgres.js. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "23505";
}

/**
 * The unique constraint an error violated (`experiments_bank_id_key_key`), or null for any other
 * error. PGlite names it `constraint`, postgres.js `constraint_name`.
 */
export function violatedUnique(error: unknown): string | null {
  if (!isUniqueViolation(error)) return null;
  const e = error as { constraint?: string; constraint_name?: string };
  return e.constraint ?? e.constraint_name ?? null;
}
