/**
 * The demo bank's running bandit: a coupon campaign whose three offers have been live for three
 * days, with its history made the way production makes it — customers assigned under the
 * allocation in force (`banditArm`, stored sticky with the allocation's id), their exposures and
 * conversions through `ingestEvents`, and a reweighting (`reweightIn`) after each of four
 * rounds, so the allocation chart, the arm cut to the floor and the per-period sample-ratio
 * check all have something real to show. Seeded randomness: the same on every first start.
 */
import type { Transaction } from "kysely";
import { banditArm } from "../lib/experiments/bandit.ts";
import { createRng } from "../lib/random.ts";
import { reweightIn } from "./bandits.ts";
import { createCampaign } from "./campaigns.ts";
import { type AcceptedEvent, ingestEvents } from "./events.ts";
import { createExperiment } from "./experiments.ts";
import type { Database } from "./schema.ts";
import { upsertCustomers } from "./sdk_experiments.ts";

const HOUR_MS = 3_600_000;
/** New customers per round: the first just past the burn-in of 100 per arm. */
const ROUND_SIZES = [360, 450, 450, 450];
/** True conversion rates of the demo offers (unknown to the bandit, of course). */
const OFFERS = [
  { name: "control", description: "分期手续费 9 折 / 10 % off the instalment fee", rate: 0.05 },
  { name: "free-month", description: "首月免息 / First month interest-free", rate: 0.07 },
  { name: "cashback", description: "分期满额返现 ¥20 / ¥20 cash back", rate: 0.01 },
];

export async function seedBanditCampaign(
  trx: Transaction<Database>,
  bankId: string,
  adminId: string,
  now: Date,
): Promise<void> {
  const start = new Date(now.getTime() - 72 * HOUR_MS);
  const campaign = await createCampaign(trx, {
    bankId,
    name: "信用卡分期优惠（短信）",
    channel: "sms",
    segment: { stages: ["active"], tags: ["信用卡"] },
    description: "Three instalment offers; a bandit moves the SMS traffic to the best one.",
    createdBy: adminId,
  });
  const key = "installment-offers";
  const { id } = await createExperiment(trx, {
    bankId,
    campaignId: campaign.id,
    key,
    name: "分期优惠：三种权益",
    mode: "bandit",
    status: "running",
    startedAt: start,
    reweightMinutes: 60 * 12,
    variants: OFFERS.map((o) => ({ name: o.name, description: o.description, weight: 1 / 3 })),
    createdBy: adminId,
  });
  const rng = createRng(20261121);
  let allocation: { id: string; seed: string; weights: number[] } | null = null;
  for (let round = 0; round < 4; round++) {
    const at = new Date(start.getTime() + round * 18 * HOUR_MS);
    const weights = allocation?.weights ?? OFFERS.map(() => 1 / 3);
    const variants = OFFERS.map((o, i) => ({ name: o.name, weight: weights[i] }));
    const units = Array.from(
      { length: ROUND_SIZES[round] },
      (_, i) => `6222${String(round * 1000 + i).padStart(8, "0")}`,
    );
    const events: AcceptedEvent[] = [];
    const assignments = units.map((unit, i) => {
      const variant = banditArm(key, allocation?.seed ?? "", unit, variants)!;
      const exposed = new Date(at.getTime() + (i % 600) * 60_000);
      const base = { experimentId: id, unit, variant, value: null, covariate: null };
      events.push({ ...base, id: `demo-x-${unit}`, type: "exposure", at: exposed });
      if (rng() < OFFERS.find((o) => o.name === variant)!.rate) {
        const converted = new Date(exposed.getTime() + 2 * HOUR_MS);
        events.push({ ...base, id: `demo-c-${unit}`, type: "conversion", at: converted });
      }
      return {
        experiment_id: id,
        bank_id: bankId,
        unit,
        variant,
        assigned_at: exposed,
        allocation_id: allocation?.id ?? null,
      };
    });
    // The campaign is for active credit-card customers: the bank sent their attributes, so
    // their later events pass the campaign's segment like any new customer's would.
    await upsertCustomers(
      trx,
      bankId,
      units.map((unit) => ({ unit, attributes: { stage: "active", tags: ["信用卡"] } })),
      at,
    );
    await trx.insertInto("assignments").values(assignments).execute();
    await ingestEvents(trx, bankId, events, at);
    const outcome = await reweightIn(trx, id, {
      now: new Date(at.getTime() + 16 * HOUR_MS),
      seed: String(1000 + round),
      reason: "scheduled",
    });
    if (outcome.status === "stored") allocation = outcome.allocation;
  }
}
