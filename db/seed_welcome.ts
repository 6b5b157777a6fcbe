/**
 * Four days of traffic for the demo's running A/B test `welcome-sms`, so a newcomer's first
 * results page has something real to read: customers with sequential ids (`C100000001`, …)
 * assigned by the same code the SDK API answers with (`assignUnits`, the experiment's own hash
 * version), their exposures and conversions stored through `ingestEvents`, one batch a day.
 * The coupon converts at 6.5 % against the control's 5 %, so the page shows a real lift with
 * its interval, the timeline over four days, a balanced split (no sample-ratio mismatch) and,
 * against the planned sample size, the days left. Seeded randomness: the same on every start.
 */
import type { Transaction } from "kysely";
import { createRng } from "../lib/random.ts";
import { type AcceptedEvent, ingestEvents } from "./events.ts";
import type { Database } from "./schema.ts";
import { directSource, experimentsByKeys } from "./sdk_experiments.ts";
import { assignUnits } from "../lib/experiments/sdk_assignment.ts";

const HOUR_MS = 3_600_000;
/** New customers texted per day (the onboarding system's daily batches). */
export const WELCOME_DAILY_CUSTOMERS = [1450, 1620, 1530, 1580];
/** True conversion rates (card bound within two days), unknown to the test of course. */
const RATES: Record<string, number> = { control: 0.05, coupon: 0.065 };
/** The planned test: 5 % baseline, +20 % relative, 80 % power, α 0.05 (lib/stats/power.ts). */
export const WELCOME_PLAN = { baselineRate: 0.05, minimumDetectableEffect: 0.2 } as const;

/** Stores the traffic of `welcome-sms`, which must be running and have started `days` ago. */
export async function seedWelcomeTraffic(
  trx: Transaction<Database>,
  bankId: string,
  options: { key: string; start: Date; now: Date },
): Promise<void> {
  const experiment = (await experimentsByKeys(trx, bankId, [options.key])).get(options.key);
  if (!experiment) throw new Error(`No experiment "${options.key}" to seed`);
  const source = directSource(trx);
  const rng = createRng(20261130);
  let next = 100_000_001;
  for (const [day, count] of WELCOME_DAILY_CUSTOMERS.entries()) {
    // 08:00–22:00 Beijing time (00:00–14:00 UTC) of each day since the start.
    const dayStart = options.start.getTime() + day * 24 * HOUR_MS;
    const units = Array.from({ length: count }, () => `C${String(next++).padStart(9, "0")}`);
    const assigned = await assignUnits(source, experiment, units, {
      stick: false,
      now: options.now,
    });
    const events: AcceptedEvent[] = [];
    for (const { unit, variant } of assigned) {
      if (variant === null) continue;
      const exposed = new Date(dayStart + rng() * 14 * HOUR_MS);
      const base = { experimentId: experiment.id, unit, variant, value: null, covariate: null };
      events.push({ ...base, id: `welcome-x-${unit}`, type: "exposure", at: exposed });
      if (rng() < RATES[variant]) {
        // Most bind a card within hours of the SMS: exponential delay, mean 6 hours.
        const delay = Math.min(-6 * Math.log(1 - rng()), 48);
        const converted = new Date(exposed.getTime() + (0.1 + delay) * HOUR_MS);
        if (converted <= options.now) {
          events.push({ ...base, id: `welcome-c-${unit}`, type: "conversion", at: converted });
        }
      }
    }
    await ingestEvents(
      trx,
      bankId,
      events,
      new Date(Math.min(dayStart + 24 * HOUR_MS, +options.now)),
    );
  }
}
