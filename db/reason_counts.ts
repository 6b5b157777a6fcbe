/**
 * How many assignment answers each reason gave per experiment (`assignment_reason_counts`,
 * migration 0015). The request path counts in memory (lib/governance/reason_counter.ts); this
 * module adds those counts to the table every few seconds and on shutdown, so no request waits
 * on it. Every instance adds its own answers (an upsert adds to `answers`), so the table holds
 * the sum over instances. An experiment deleted meanwhile is skipped (the join), not an error.
 *
 * Answers, not customers: a customer asked about repeatedly counts once per answer. A crash
 * loses at most one interval's counts of that instance.
 */
import { sql } from "kysely";
import type { ReasonCountEntry, ReasonCounter } from "../lib/governance/reason_counter.ts";
import { ASSIGNMENT_REASONS } from "../lib/experiments/eligibility.ts";
import type { Db } from "./schema.ts";

/** Adds the entries' answers to the stored counts (one statement). */
export async function addReasonCounts(
  db: Db,
  entries: readonly ReasonCountEntry[],
  now: Date,
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) =>
    sql`(${e.experimentId}, ${e.bankId}, ${e.reason}, cast(${e.answers} as bigint))`
  );
  await sql`insert into assignment_reason_counts
      (experiment_id, bank_id, reason, answers, updated_at)
    select x.id, v.bank_id, v.reason, v.answers, ${now}
    from (values ${sql.join(rows)}) as v (experiment_id, bank_id, reason, answers)
    join experiments x on x.id = cast(v.experiment_id as uuid) and x.bank_id = v.bank_id
    on conflict (experiment_id, reason) do update
      set answers = assignment_reason_counts.answers + excluded.answers,
        updated_at = excluded.updated_at`.execute(db);
}

/** One reason's stored answers. */
export interface ReasonCount {
  reason: string;
  answers: number;
}

/**
 * The stored answers of an experiment per reason, in the order reasons are checked
 * (ASSIGNMENT_REASONS; every reason listed, 0 when none), and when they were last added to.
 */
export async function experimentReasonCounts(
  db: Db,
  experimentId: string,
): Promise<{ reasons: ReasonCount[]; total: number; updatedAt: Date | null }> {
  const rows = await db.selectFrom("assignment_reason_counts")
    .where("experiment_id", "=", experimentId)
    .select(["reason", "answers", "updated_at"])
    .execute();
  const of = new Map(rows.map((r) => [r.reason, Number(r.answers)]));
  const reasons = ASSIGNMENT_REASONS.map((reason) => ({ reason, answers: of.get(reason) ?? 0 }));
  let updatedAt: Date | null = null;
  for (const r of rows) {
    const at = new Date(r.updated_at);
    if (updatedAt === null || at > updatedAt) updatedAt = at;
  }
  return { reasons, total: reasons.reduce((s, r) => s + r.answers, 0), updatedAt };
}

/** Stores what the counter holds; on failure the counts go back into it for the next round. */
export async function flushReasonCounter(
  db: Db,
  counter: ReasonCounter,
  now: Date,
): Promise<void> {
  if (counter.empty) return;
  const entries = counter.drain();
  try {
    await addReasonCounts(db, entries, now);
  } catch (error) {
    counter.restore(entries);
    throw error;
  }
}

/**
 * Flushes `counter` every `everyMs` (default 5 s); returns a stop function that waits for a
 * round under way and flushes once more (call it after the server stopped answering and before
 * the database closes). A failed round is reported and retried with the next one.
 */
export function startReasonCountFlusher(
  db: Db,
  counter: ReasonCounter,
  { everyMs = 5_000, now = () => new Date() } = {},
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    running = running.then(() => flushReasonCounter(db, counter, now())).catch((error) => {
      console.error(
        "storing the assignment reason counts failed (kept for the next round):",
        error,
      );
    });
  };
  const timer = setInterval(round, everyMs);
  return async () => {
    clearInterval(timer);
    round();
    await running;
  };
}
