/**
 * The demo's metric library: four metrics of the demo bank (7-day card binding, 30-day deposits
 * per customer capped at the 99th percentile, the average deposit amount, 7-day complaints) read
 * by `welcome-sms` as secondary metrics and a guardrail beside the built-in opt-out rate, and the
 * customer events they read, made from the seeded welcome traffic (`seed_welcome.ts`) without
 * changing it: its exposures and conversions stay as they are, track events and opt-outs are
 * added beside them.
 *
 * - `card_bound`: every conversion of welcome-sms is a card bound at that moment; some customers
 *   who had not converted bind a card later, between 2 and 7 days after the SMS;
 * - `deposit`: a share of customers deposit 1–3 times (log-normal amounts, median about
 *   ¥2,000, rarely a very large one, which the 99th-percentile cap is for);
 * - `complaint` and opt-outs of the SMS channel: rare, about the same in both arms.
 * Every time is after the customer's exposure and not after `now`. Seeded randomness: the same
 * on every start.
 */
import { type Insertable, sql, type Transaction } from "kysely";
import type { StoredMetricDefinition } from "../lib/metrics/definition.ts";
import { createRng, normalSample, type Rng } from "../lib/random.ts";
import { createMetric } from "./metrics.ts";
import type { Database, TrackEventsTable } from "./schema.ts";

const HOUR_MS = 3_600_000;

export const DEMO_METRICS: { key: string; definition: StoredMetricDefinition }[] = [
  {
    key: "card_bound_7d",
    definition: {
      name: { "zh-CN": "7日绑卡率", en: "Card bound within 7 days" },
      description: {
        "zh-CN": "收到短信后 7 天内绑定借记卡或信用卡的客户占比",
        en: "Share of customers who bound a debit or credit card within 7 days of the SMS",
      },
      kind: "proportion",
      direction: "higher_is_better",
      windowHours: 168,
      event: "card_bound",
    },
  },
  {
    key: "deposit_30d",
    definition: {
      name: { "zh-CN": "30日人均存款", en: "Deposits per customer, 30 days" },
      kind: "mean",
      direction: "higher_is_better",
      windowHours: 720,
      event: "deposit",
      aggregate: "sum",
      cap: { type: "percentile", value: 0.99 },
    },
  },
  {
    key: "avg_deposit_amount",
    definition: {
      name: { "zh-CN": "笔均存款金额", en: "Average deposit amount" },
      kind: "ratio",
      direction: "higher_is_better",
      windowHours: 720,
      numerator: { event: "deposit", aggregate: "sum" },
      denominator: { event: "deposit", aggregate: "count" },
    },
  },
  {
    key: "complaint_7d",
    definition: {
      name: { "zh-CN": "7日投诉率", en: "Complaints within 7 days" },
      kind: "proportion",
      direction: "lower_is_better",
      windowHours: 168,
      event: "complaint",
    },
  },
];

/** What welcome-sms reads: its conversions first (as before), the library beside them. */
export const WELCOME_METRICS = {
  primary: "conversion",
  secondary: ["card_bound_7d", "deposit_30d", "avg_deposit_amount"],
  guardrails: ["opt_out", "complaint_7d"],
};

/** Per arm: later card binding, depositing, complaining and opting out (not the conversions). */
const RATES: Record<
  string,
  { lateBind: number; deposit: number; complaint: number; optOut: number }
> = {
  control: { lateBind: 0.02, deposit: 0.18, complaint: 0.003, optOut: 0.006 },
  coupon: { lateBind: 0.025, deposit: 0.21, complaint: 0.003, optOut: 0.007 },
};

interface Customer {
  unit: string;
  variant: string;
  exposedAt: Date;
  convertedAt: Date | null;
}

type TrackRow = Insertable<TrackEventsTable>;

function eventsOf(c: Customer, rng: Rng, now: Date): TrackRow[] {
  const rates = RATES[c.variant] ?? RATES.control;
  const rows: TrackRow[] = [];
  const at = (hours: number) => new Date(c.exposedAt.getTime() + hours * HOUR_MS);
  const add = (event: string, when: Date, value: number | null, n = 0) => {
    if (when <= now) {
      rows.push({
        bank_id: "",
        event_id: `welcome-${event}-${c.unit}-${n}`,
        event,
        unit: c.unit,
        value,
        occurred_at: when,
      });
    }
  };
  if (c.convertedAt) add("card_bound", c.convertedAt, null);
  else if (rng() < rates.lateBind) add("card_bound", at(48 + rng() * 120), null);
  if (rng() < rates.deposit) {
    const times = 1 + Math.floor(rng() * 3);
    for (let n = 0; n < times; n++) {
      const huge = rng() < 0.004 ? 40 : 1;
      const amount = Math.round(Math.exp(7.6 + 0.9 * normalSample(rng)) * huge);
      add("deposit", at(1 + rng() * 96), amount, n);
    }
  }
  if (rng() < rates.complaint) add("complaint", at(rng() * 72), null);
  return rows;
}

/**
 * Defines the demo metrics in `bankId`'s library (audited as the admin), makes `experimentKey`
 * read them, and stores the track events and opt-outs of its exposed customers.
 */
export async function seedDemoMetrics(
  trx: Transaction<Database>,
  bankId: string,
  options: { adminId: string; experimentKey: string; now: Date },
): Promise<void> {
  const actor = { actorUserId: options.adminId, actor: "system" };
  for (const m of DEMO_METRICS) await createMetric(trx, actor, bankId, m.key, m.definition);
  const experiment = await trx.updateTable("experiments").set({ metrics: WELCOME_METRICS })
    .where("bank_id", "=", bankId).where("key", "=", options.experimentKey)
    .returning("id").executeTakeFirstOrThrow();
  const customers = await trx.selectFrom("unit_outcomes")
    .select(["unit", "variant", "first_exposure_at", "converted_at"])
    .where("experiment_id", "=", experiment.id).orderBy("unit").execute();
  const rng = createRng(20261201);
  const events: TrackRow[] = [];
  const optOuts: { bank_id: string; unit: string; channel: string; created_at: Date }[] = [];
  for (const row of customers) {
    const c: Customer = {
      unit: row.unit,
      variant: row.variant,
      exposedAt: new Date(row.first_exposure_at),
      convertedAt: row.converted_at ? new Date(row.converted_at) : null,
    };
    events.push(...eventsOf(c, rng, options.now).map((e) => ({ ...e, bank_id: bankId })));
    const optedAt = new Date(c.exposedAt.getTime() + rng() * 24 * HOUR_MS);
    // Not every 500th customer: tests ask the SDK for their arm, which an opt-out would withhold.
    const asked = Number(c.unit.slice(1)) % 500 === 1;
    if (rng() < (RATES[c.variant] ?? RATES.control).optOut && !asked && optedAt <= options.now) {
      optOuts.push({ bank_id: bankId, unit: c.unit, channel: "sms", created_at: optedAt });
    }
  }
  for (let i = 0; i < events.length; i += 1000) {
    await trx.insertInto("track_events").values(events.slice(i, i + 1000)).execute();
  }
  if (optOuts.length > 0) await trx.insertInto("opt_outs").values(optOuts).execute();
  // Fresh tables have no statistics yet: without them the planner scans every event of the bank
  // for each customer (seconds for the demo's 6,000 customers) instead of using the index.
  await sql`analyze track_events, opt_outs, unit_outcomes`.execute(trx);
}
