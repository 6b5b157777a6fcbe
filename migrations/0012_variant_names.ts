// Arm (variant) names in any script: `对照组`, `紧迫文案`. The check of 0001 allowed only
// `[A-Za-z0-9_-]{1,64}`; the new one is the rule of lib/experiments/variant_name.ts: 1–64
// characters (code points), no control, line-separator or bidirectional-control characters, no
// whitespace at either end. The character classes are spelled out so that PostgreSQL and PGlite
// read them the same whatever the database's locale. Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

const FORBIDDEN = "[\\x01-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]";
const SPACE =
  "[\\t\\n\\x0b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table variants drop constraint if exists variants_name_check`.execute(db);
  await sql`alter table variants add constraint variants_name_check check (
    char_length(name) between 1 and 64
    and name !~ ${sql.lit(FORBIDDEN)}
    and name !~ ${sql.lit(`^${SPACE}|${SPACE}$`)}
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table variants drop constraint if exists variants_name_check`.execute(db);
  await sql`alter table variants add constraint variants_name_check
    check (name ~ '^[A-Za-z0-9_-]{1,64}$')`.execute(db);
}
