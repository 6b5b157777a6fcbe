/**
 * The metric library (issue 16): a bank's metric definitions, one row per version in `metrics`
 * (the highest version is the definition in force), plus the built-ins of
 * `lib/metrics/definition.ts`, which every bank has and which are never stored.
 *
 * Every function is for one bank: the caller has checked that the bank is in the reader's
 * scope, so another bank's metric is never read (it looks like it does not exist).
 * Writes append a version and their audit entry in one transaction (joining the caller's when
 * `db` already is one). Uniqueness is the primary key's: a create racing another create of the
 * same key, or a revision racing another revision, fails with 409 instead of two versions 1.
 */
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { AppError, conflict, notFound } from "../lib/errors.ts";
import {
  BUILTIN_METRICS,
  builtinMetric,
  type MetricDefinition,
  type MetricRole,
  sameDefinition,
  storedDefinition,
  type StoredMetricDefinition,
} from "../lib/metrics/definition.ts";
import { appendAudit, type AuditEntry } from "./audit.ts";
import type { Database, Db, ExperimentStatus, MetricsTable } from "./schema.ts";
import { isUniqueViolation } from "./errors.ts";

/** A metric as the library shows it: its definition in force and who made that version. */
export interface LibraryMetric extends MetricDefinition {
  /** When this version was stored; null for built-ins. */
  createdAt: Date | null;
  /** The user id who stored this version; null for built-ins (or a deleted user). */
  createdBy: string | null;
  /** That user's display name (or email when it has none); null when unknown. */
  createdByName: string | null;
}

/** Who writes: recorded in the audit log (`actorUserId` also as the version's `created_by`). */
export type MetricActor = Pick<AuditEntry, "actorUserId" | "actor">;

function builtinEntry(m: MetricDefinition): LibraryMetric {
  return { ...m, createdAt: null, createdBy: null, createdByName: null };
}

type Row = Selectable<MetricsTable> & { created_by_name: string | null };

function toMetric(row: Row): LibraryMetric {
  return {
    ...row.definition,
    key: row.key,
    version: row.version,
    builtin: false,
    source: "track",
    createdAt: row.created_at,
    createdBy: row.created_by,
    createdByName: row.created_by_name,
  };
}

/** The versions of a bank's metrics, with the name of their author. */
function versionsQuery(db: Db, bankId: string) {
  return db.selectFrom("metrics")
    .leftJoin("users", "users.id", "metrics.created_by")
    .select([
      "metrics.bank_id",
      "metrics.key",
      "metrics.version",
      "metrics.definition",
      "metrics.created_by",
      "metrics.created_at",
      sql<string | null>`coalesce(nullif(users.display_name, ''), users.email)`.as(
        "created_by_name",
      ),
    ])
    .where("metrics.bank_id", "=", bankId);
}

/** The latest version of each of the bank's stored metrics with one of `keys` (all: undefined). */
async function latestStored(db: Db, bankId: string, keys?: string[]): Promise<LibraryMetric[]> {
  if (keys && keys.length === 0) return [];
  let query = versionsQuery(db, bankId).distinctOn("metrics.key");
  if (keys) query = query.where("metrics.key", "in", keys);
  const rows = await query.orderBy("metrics.key").orderBy("metrics.version", "desc").execute();
  return rows.map(toMetric);
}

/** The bank's library: the built-ins first, then the stored metrics in force by key. */
export async function listMetrics(db: Db, bankId: string): Promise<LibraryMetric[]> {
  return [...BUILTIN_METRICS.map(builtinEntry), ...await latestStored(db, bankId)];
}

/** The metric in force with this key (stored or built-in), or null. */
export async function getMetric(
  db: Db,
  bankId: string,
  key: string,
): Promise<LibraryMetric | null> {
  const builtin = builtinMetric(key);
  if (builtin) return builtinEntry(builtin);
  return (await latestStored(db, bankId, [key]))[0] ?? null;
}

/** Every version of a metric, newest first (a built-in: its one version; unknown: empty). */
export async function metricVersions(
  db: Db,
  bankId: string,
  key: string,
): Promise<LibraryMetric[]> {
  const builtin = builtinMetric(key);
  if (builtin) return [builtinEntry(builtin)];
  const rows = await versionsQuery(db, bankId).where("metrics.key", "=", key)
    .orderBy("metrics.version", "desc").execute();
  return rows.map(toMetric);
}

/** One version of a metric, or null (results name the version they used). */
export async function metricVersion(
  db: Db,
  bankId: string,
  key: string,
  version: number,
): Promise<LibraryMetric | null> {
  const builtin = builtinMetric(key);
  if (builtin) return version === builtin.version ? builtinEntry(builtin) : null;
  const row = await versionsQuery(db, bankId).where("metrics.key", "=", key)
    .where("metrics.version", "=", version).executeTakeFirst();
  return row ? toMetric(row) : null;
}

/**
 * The metrics in force with these keys, built-ins included, by key. A key the bank does not
 * have is absent from the map (the caller decides: 400 `UNKNOWN_METRIC`, or "not measured").
 */
export async function metricsByKeys(
  db: Db,
  bankId: string,
  keys: readonly string[],
): Promise<Map<string, LibraryMetric>> {
  const found = new Map<string, LibraryMetric>();
  const stored: string[] = [];
  for (const key of new Set(keys)) {
    const builtin = builtinMetric(key);
    if (builtin) found.set(key, builtinEntry(builtin));
    else stored.push(key);
  }
  for (const m of await latestStored(db, bankId, stored)) found.set(m.key, m);
  return found;
}

async function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>) {
  if (db.isTransaction) return await work(db as Transaction<Database>);
  return await (db as Kysely<Database>).transaction().execute(work);
}

async function insertVersion(
  trx: Transaction<Database>,
  actor: MetricActor,
  bankId: string,
  key: string,
  version: number,
  definition: StoredMetricDefinition,
): Promise<LibraryMetric> {
  await trx.insertInto("metrics").values({
    bank_id: bankId,
    key,
    version,
    definition,
    created_by: actor.actorUserId,
  }).execute();
  await appendAudit(trx, {
    ...actor,
    bankId,
    action: version === 1 ? "metric.create" : "metric.update",
    target: key,
    details: { version, definition },
  });
  const row = await versionsQuery(trx, bankId).where("metrics.key", "=", key)
    .where("metrics.version", "=", version).executeTakeFirstOrThrow();
  return toMetric(row);
}

/**
 * Stores version 1 of a new metric and audits `metric.create`. 409 `METRIC_EXISTS` when the
 * bank has the key already (or it is a built-in's).
 */
export async function createMetric(
  db: Db,
  actor: MetricActor,
  bankId: string,
  key: string,
  definition: StoredMetricDefinition,
): Promise<LibraryMetric> {
  if (builtinMetric(key)) throw metricExists(key);
  try {
    return await inTransaction(
      db,
      (trx) => insertVersion(trx, actor, bankId, key, 1, definition),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw metricExists(key);
    throw error;
  }
}

function metricExists(key: string): AppError {
  const error = conflict("METRIC_EXISTS", `The metric "${key}" exists: edit it instead`);
  error.translation = { key: "metricApi.exists", params: { key } };
  return error;
}

/**
 * Stores `definition` as the next version of a stored metric and audits `metric.update`.
 * Unchanged (the same definition as the version in force) → that version, nothing stored
 * (`changed: false`). 404 for a key the bank does not have, 409 `BUILTIN_METRIC` for a
 * built-in, 409 `METRIC_CHANGED` when another revision was stored at the same moment.
 */
export async function reviseMetric(
  db: Db,
  actor: MetricActor,
  bankId: string,
  key: string,
  definition: StoredMetricDefinition,
): Promise<{ metric: LibraryMetric; changed: boolean }> {
  if (builtinMetric(key)) throw builtinMetricError(key);
  try {
    return await inTransaction(db, async (trx) => {
      const current = (await latestStored(trx, bankId, [key]))[0];
      if (!current) throw unknownMetric(key);
      if (sameDefinition(storedDefinition(current), definition)) {
        return { metric: current, changed: false };
      }
      const metric = await insertVersion(trx, actor, bankId, key, current.version + 1, definition);
      return { metric, changed: true };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const refused = conflict(
        "METRIC_CHANGED",
        `The metric "${key}" was edited at the same time: reload it and try again`,
      );
      refused.translation = { key: "metricApi.changed", params: { key } };
      throw refused;
    }
    throw error;
  }
}

/** 409 `BUILTIN_METRIC`: built-in metrics cannot be created or edited. */
export function builtinMetricError(key: string): AppError {
  const error = conflict("BUILTIN_METRIC", `"${key}" is a built-in metric and cannot be edited`);
  error.translation = { key: "metricApi.builtin", params: { key } };
  return error;
}

/** 404 for a metric key the bank does not have. */
export function unknownMetric(key: string): AppError {
  const error = notFound(`No metric "${key}"`);
  error.translation = { key: "metricApi.notFound", params: { key } };
  return error;
}

export interface MetricUse {
  key: string;
  name: string;
  status: ExperimentStatus;
  role: MetricRole;
}

/**
 * The bank's experiments that read the metric, with the role it has there (one row per role),
 * newest first.
 */
export async function experimentsUsingMetric(
  db: Db,
  bankId: string,
  key: string,
): Promise<MetricUse[]> {
  const asArray = JSON.stringify([key]);
  const rows = await db.selectFrom("experiments")
    .select([
      "key",
      "name",
      "status",
      sql<boolean>`metrics->>'primary' = ${key}`.as("primary"),
      sql<boolean>`coalesce(metrics->'secondary' @> ${asArray}::text::jsonb, false)`.as(
        "secondary",
      ),
      sql<boolean>`coalesce(metrics->'guardrails' @> ${asArray}::text::jsonb, false)`.as(
        "guardrail",
      ),
    ])
    .where("bank_id", "=", bankId)
    .where(sql<boolean>`(metrics->>'primary' = ${key}
      or metrics->'secondary' @> ${asArray}::text::jsonb
      or metrics->'guardrails' @> ${asArray}::text::jsonb)`)
    .orderBy("created_at", "desc").orderBy("key").execute();
  const uses: MetricUse[] = [];
  for (const r of rows) {
    for (const role of ["primary", "secondary", "guardrail"] as const) {
      if (r[role]) uses.push({ key: r.key, name: r.name, status: r.status, role });
    }
  }
  return uses;
}
