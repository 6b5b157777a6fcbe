/** JSON parameters for SQL, shared by every db module that writes a jsonb column. */

import { sql } from "kysely";

/**
 * A jsonb parameter that both drivers send as JSON. postgres.js sends a JavaScript array of
 * numbers or booleans as a PostgreSQL array, and a string as a JSON string, so the value is sent
 * as JSON text and cast.
 */
// deno-lint-ignore no-explicit-any
export function jsonb(value: unknown): any {
  return sql`cast(cast(${JSON.stringify(value)} as text) as jsonb)`;
}
