/** What a database error means, for callers that leave a rule to a constraint. */

/** PostgreSQL's `unique_violation` (SQLSTATE 23505), raised by both PGlite and postgres.js. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "23505";
}
