/**
 * A bank's contact policy (migration 0015's `contact_policies`; rules in lib/governance/) and
 * the contacts its pages read: the policy what-if and the contact-pressure view.
 *
 * The contacts of a period are the ledger's rows (`contacts`), and, for experiments on a
 * contact channel that have no ledger rows at all (run before the bank had caps), each
 * customer's first exposure (`unit_outcomes.first_exposure_at`): the moment the customer was
 * first handed an arm, which is what a contact is.
 */
import { sql } from "kysely";
import type { ContactCap, QuietHours, StoredHoldout } from "../lib/governance/policy.ts";
import { CONTACT_CHANNELS } from "../lib/governance/policy.ts";
import type { ReplayContact } from "../lib/governance/replay.ts";
import { jsonb } from "./json.ts";
import type { Db } from "./schema.ts";

export interface StoredPolicy {
  bankId: string;
  caps: ContactCap[];
  quietHours: QuietHours | null;
  holdout: StoredHoldout | null;
  retentionDays: number | null;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** The bank's policy; a bank without a row has none (no caps, no quiet hours, no holdout). */
export async function getContactPolicy(db: Db, bankId: string): Promise<StoredPolicy> {
  const row = await db.selectFrom("contact_policies as p")
    .leftJoin("users as u", "u.id", "p.updated_by")
    .where("p.bank_id", "=", bankId)
    .select(["p.caps", "p.quiet_hours", "p.holdout", "p.retention_days", "p.updated_at", "u.email"])
    .executeTakeFirst();
  if (!row) {
    return {
      bankId,
      caps: [],
      quietHours: null,
      holdout: null,
      retentionDays: null,
      updatedBy: null,
      updatedAt: null,
    };
  }
  return {
    bankId,
    caps: row.caps ?? [],
    quietHours: row.quiet_hours,
    holdout: row.holdout,
    retentionDays: row.retention_days,
    updatedBy: row.email,
    updatedAt: row.updated_at,
  };
}

/** The policy row, locked for the change (null: none yet). */
export async function lockContactPolicy(db: Db, bankId: string): Promise<StoredPolicy | null> {
  const row = await db.selectFrom("contact_policies")
    .where("bank_id", "=", bankId)
    .select(["caps", "quiet_hours", "holdout", "retention_days", "updated_at"])
    .forUpdate()
    .executeTakeFirst();
  if (!row) return null;
  return {
    bankId,
    caps: row.caps ?? [],
    quietHours: row.quiet_hours,
    holdout: row.holdout,
    retentionDays: row.retention_days,
    updatedBy: null,
    updatedAt: row.updated_at,
  };
}

/** Writes the bank's policy (insert or replace); the trigger notifies `e:<bank>`. */
export async function saveContactPolicy(
  db: Db,
  policy: {
    bankId: string;
    caps: ContactCap[];
    quietHours: QuietHours | null;
    holdout: StoredHoldout | null;
    retentionDays: number | null;
  },
  userId: string | null,
  now: Date,
): Promise<void> {
  const values = {
    caps: jsonb(policy.caps),
    quiet_hours: policy.quietHours === null ? null : jsonb(policy.quietHours),
    holdout: policy.holdout === null ? null : jsonb(policy.holdout),
    retention_days: policy.retentionDays,
    updated_by: userId,
    updated_at: now,
  };
  await db.insertInto("contact_policies")
    .values({ bank_id: policy.bankId, ...values })
    .onConflict((oc) => oc.column("bank_id").doUpdateSet(values))
    .execute();
}

/**
 * The bank's contacts on contact channels from `since` to `until` (see the module comment), with
 * each experiment's campaign.
 */
export async function contactsBetween(
  db: Db,
  bankId: string,
  since: Date,
  until: Date,
): Promise<ReplayContact[]> {
  const channels = [...CONTACT_CHANNELS];
  const [ledger, exposures] = await Promise.all([
    db.selectFrom("contacts as k")
      .innerJoin("experiments as e", "e.id", "k.experiment_id")
      .where("k.bank_id", "=", bankId)
      .where("k.contacted_at", ">", since)
      .where("k.contacted_at", "<=", until)
      .where("k.channel", "in", channels)
      .select(["k.experiment_id", "k.unit", "k.channel", "k.contacted_at", "e.campaign_id"])
      .execute(),
    db.selectFrom("unit_outcomes as o")
      .innerJoin("experiments as e", "e.id", "o.experiment_id")
      .innerJoin("campaigns as c", "c.id", "e.campaign_id")
      .where("o.bank_id", "=", bankId)
      .where("c.channel", "in", channels)
      .where("o.first_exposure_at", ">", since)
      .where("o.first_exposure_at", "<=", until)
      .where(({ not, exists, selectFrom }) =>
        not(exists(
          selectFrom("contacts as k").whereRef("k.experiment_id", "=", "o.experiment_id")
            .select(sql.lit(1).as("one")),
        ))
      )
      .select(["o.experiment_id", "o.unit", "c.channel", "o.first_exposure_at", "e.campaign_id"])
      .execute(),
  ]);
  return [
    ...ledger.map((r) => ({
      experimentId: r.experiment_id,
      unit: r.unit,
      channel: r.channel,
      at: r.contacted_at,
      campaignId: r.campaign_id,
    })),
    ...exposures.map((r) => ({
      experimentId: r.experiment_id,
      unit: r.unit,
      channel: r.channel as string,
      at: new Date(r.first_exposure_at),
      campaignId: r.campaign_id,
    })),
  ];
}

/** The bank's campaigns by id: name and channel (for the what-if and pressure tables). */
export async function campaignNames(
  db: Db,
  bankId: string,
): Promise<Map<string, { name: string; channel: string }>> {
  const rows = await db.selectFrom("campaigns").where("bank_id", "=", bankId)
    .select(["id", "name", "channel"]).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, channel: r.channel }]));
}

/**
 * Answers per reason per campaign from `assignment_reason_counts` (when assignment fills it):
 * campaign id → reason → answers.
 */
export async function reasonCountsByCampaign(
  db: Db,
  bankId: string,
): Promise<Map<string | null, Map<string, number>>> {
  const rows = await db.selectFrom("assignment_reason_counts as r")
    .innerJoin("experiments as e", "e.id", "r.experiment_id")
    .where("r.bank_id", "=", bankId)
    .groupBy(["e.campaign_id", "r.reason"])
    .select(["e.campaign_id", "r.reason", sql<string>`sum(r.answers)`.as("answers")])
    .execute();
  const found = new Map<string | null, Map<string, number>>();
  for (const r of rows) {
    const reasons = found.get(r.campaign_id) ?? new Map<string, number>();
    reasons.set(r.reason, Number(r.answers));
    found.set(r.campaign_id, reasons);
  }
  return found;
}
