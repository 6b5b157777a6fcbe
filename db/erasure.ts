/**
 * Erasing one customer of a bank (PIPL Art. 47; `DELETE /api/v1/customers/:unit`), in the
 * caller's transaction:
 *
 * - Every table with a `bank_id` and a `unit` column (found in information_schema, so a table
 *   added later is covered too): events, track_events, unit_outcomes, unit_pending, assignments
 *   (sticky arms), opt_outs, contacts, … — the id is replaced by one token (`erased:<uuid>`),
 *   the same in every table, so per-customer aggregation joins as before and every
 *   experiment's numbers stay what they were (an opt-out still counts in the opt-out metric).
 *   An event id that contains the id as a whole word gets the token in its place too.
 * - `customers`: the row (attributes, consent) is deleted.
 * - Text that mentions the customer (`TEXT_MENTIONS`): audit entries' target and details, alert
 *   summaries and details, queued notification messages and QA overrides (`experiments.forced`)
 *   get the token in place of the id (lib/governance/erasure.ts `replaceUnitInJson`). The audit
 *   log stays append-only otherwise: migration 0018 lets only a transaction that set
 *   `lensloop.erasure` rewrite an entry's target and details.
 * - A suppression record, a keyed hash of the id (db/suppressions.ts), so the customer is never
 *   enrolled again unless the bank re-imports them with consent.
 *
 * Idempotent: erasing an unknown or already erased unit changes no row (the suppression is
 * recorded all the same). The triggers of the customer tables, of `customer_suppressions`
 * (`c:<bank>`), sticky arms (`a`) and experiments (`e:<bank>`) tell every instance's cache.
 */
import { sql } from "kysely";
import { replaceUnitInJson, replaceUnitInText } from "../lib/governance/erasure.ts";
import { jsonb } from "./json.ts";
import { lockRefreshesOfBank } from "./metric_unit_values.ts";
import { suppress } from "./suppressions.ts";
import type { Db } from "./schema.ts";

/** Columns where a customer may be mentioned in text: table, its key, JSON and text columns. */
const TEXT_MENTIONS = [
  { table: "audit_log", key: "id", json: ["details"], text: ["target"] },
  { table: "alerts", key: "id", json: ["summary", "details"], text: [] },
  { table: "notification_deliveries", key: "id", json: ["message"], text: [] },
  { table: "experiments", key: "id", json: ["forced"], text: [] },
] as const;

export interface ErasureResult {
  /** Rows changed per table (0 for a table that held nothing of the customer). */
  rows: Record<string, number>;
  /** Their sum. */
  changed: number;
  /** Whether the suppression record is new (false: the unit was suppressed already). */
  suppressed: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Erases `unit` of `bankId` (see the module comment); `token` replaces it everywhere. */
export async function eraseCustomer(
  trx: Db,
  bankId: string,
  unit: string,
  options: { token: string; unitHash: string; now: Date },
): Promise<ErasureResult> {
  const { token } = options;
  const rows: Record<string, number> = {};
  await sql`select set_config('lensloop.erasure', 'on', true)`.execute(trx);
  // Metric refreshes in flight finish first and none starts until commit: a round must not write
  // the customer's id back into `metric_unit_values` (db/metric_unit_values.ts).
  await lockRefreshesOfBank(trx, bankId);

  const tables = await sql<{ table_name: string; columns: string[] | string }>`
    select table_name, array_agg(column_name::text order by column_name) as columns
    from information_schema.columns
    where table_schema = current_schema()
    group by table_name
    having bool_or(column_name = 'unit') and bool_or(column_name = 'bank_id')
    order by table_name`.execute(trx);
  for (const t of tables.rows) {
    const columns = Array.isArray(t.columns) ? t.columns : parseArray(t.columns);
    const table = sql.table(t.table_name);
    const ofBank = columns.includes("experiment_id")
      ? sql`bank_id = ${bankId} and unit = ${unit}
        and experiment_id in (select id from experiments where bank_id = ${bankId})`
      : sql`bank_id = ${bankId} and unit = ${unit}`;
    if (t.table_name === "customers") {
      const result = await sql`delete from ${table} where ${ofBank}`.execute(trx);
      rows[t.table_name] = Number(result.numAffectedRows ?? 0);
      continue;
    }
    const eventId = columns.includes("event_id")
      ? sql`, event_id = case when position(${unit} in event_id) > 0
          then regexp_replace(event_id,
            ${`(^|[^[:alnum:]_])${escapeRegExp(unit)}(?=[^[:alnum:]_]|$)`}, ${`\\1${token}`}, 'g')
          else event_id end`
      : sql``;
    const result = await sql`update ${table} set unit = ${token} ${eventId} where ${ofBank}`
      .execute(trx);
    rows[t.table_name] = Number(result.numAffectedRows ?? 0);
  }

  const quoted = JSON.stringify(unit).slice(1, -1); // as the id reads inside jsonb's text
  for (const m of TEXT_MENTIONS) {
    const columns = [...m.json, ...m.text];
    const found = await sql<Record<string, unknown>>`
      select ${sql.ref(m.key)} as key, ${sql.join(columns.map((c) => sql.ref(c)))}
      from ${sql.table(m.table)}
      where bank_id = ${bankId} and (${
      sql.join(
        [
          ...m.json.map((c) => sql`position(${quoted} in ${sql.ref(c)}::text) > 0`),
          ...m.text.map((c) => sql`position(${unit} in ${sql.ref(c)}) > 0`),
        ],
        sql` or `,
      )
    })`.execute(trx);
    let changed = 0;
    for (const row of found.rows) {
      const sets = [];
      for (const c of m.json) {
        const value = typeof row[c] === "string" ? JSON.parse(row[c] as string) : row[c];
        const next = replaceUnitInJson(value, unit, token);
        if (next.replaced) sets.push(sql`${sql.ref(c)} = ${jsonb(next.value)}`);
      }
      for (const c of m.text) {
        const next = replaceUnitInText(String(row[c] ?? ""), unit, token);
        if (next.replaced) sets.push(sql`${sql.ref(c)} = ${next.value}`);
      }
      if (sets.length === 0) continue;
      await sql`update ${sql.table(m.table)} set ${sql.join(sets)}
        where ${sql.ref(m.key)} = ${row.key}`.execute(trx);
      changed++;
    }
    rows[m.table] = (rows[m.table] ?? 0) + changed;
  }

  const suppressed = await suppress(trx, bankId, options.unitHash, options.now);
  const changed = Object.values(rows).reduce((a, b) => a + b, 0);
  return { rows, changed, suppressed };
}

/** A PostgreSQL array literal (`{a,b}`) as PGlite may return it. */
function parseArray(text: string): string[] {
  return text.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
}
