/**
 * A customer's outcome in an experiment, from their events, and what it adds to the per-day
 * sufficient statistics. The rule is a function of the *set* of events, so the order in which
 * events arrive never matters:
 *
 * - the customer counts in their arm once an exposure is seen; `firstExposureAt` is the
 *   earliest exposure time among all events received so far;
 * - a conversion counts when its time is at or after `firstExposureAt`. A conversion that
 *   arrives before any exposure is stored and counts as soon as an exposure at or before its
 *   time arrives; one timed before the first exposure never counts (unless an even earlier
 *   exposure arrives later, which moves `firstExposureAt` back);
 * - `convertedAt` is the earliest counting conversion; `valueSum` adds the values of every
 *   counting conversion (missing values count 0);
 * - the customer's contribution sits on the UTC day of `firstExposureAt` (exposure cohorts):
 *   1 user, 1 converter if converted, `valueSum` and `valueSum²`.
 *
 * `db/events.ts` recomputes the outcome of each customer an accepted event touches and applies
 * `contribution(new) − contribution(old)` to `daily_stats`.
 */

export interface OutcomeEvent {
  type: "exposure" | "conversion";
  value: number | null;
  /** Exposures only: the pre-period value of the metric (CUPED covariate), when sent. */
  covariate?: number | null;
  at: Date;
}

export interface UnitOutcome {
  firstExposureAt: Date;
  convertedAt: Date | null;
  valueSum: number;
  /** The covariate of the earliest exposure that carries one; null when none does. */
  covariate: number | null;
}

export interface Contribution {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  users: number;
  converters: number;
  valueSum: number;
  valueSumSquares: number;
  /** Σx, Σx² and Σx·y over customers, x the covariate (0 when absent), y the value sum. */
  covariateSum: number;
  covariateSumSquares: number;
  covariateCross: number;
}

/** The outcome of one customer, or null while no exposure is known. */
export function unitOutcome(events: readonly OutcomeEvent[]): UnitOutcome | null {
  let first: number | null = null;
  let covariate: number | null = null;
  let covariateAt = Infinity;
  for (const e of events) {
    if (e.type !== "exposure") continue;
    if (first === null || e.at.getTime() < first) first = e.at.getTime();
    const x = e.covariate ?? null;
    if (x !== null && e.at.getTime() < covariateAt) {
      covariate = x;
      covariateAt = e.at.getTime();
    }
  }
  if (first === null) return null;
  let converted: number | null = null;
  let valueSum = 0;
  for (const e of events) {
    if (e.type !== "conversion" || e.at.getTime() < first) continue;
    if (converted === null || e.at.getTime() < converted) converted = e.at.getTime();
    valueSum += e.value ?? 0;
  }
  return {
    firstExposureAt: new Date(first),
    convertedAt: converted === null ? null : new Date(converted),
    valueSum,
    covariate,
  };
}

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** What one customer's outcome adds to the daily statistics of their arm. */
export function contribution(outcome: UnitOutcome): Contribution {
  return {
    day: utcDay(outcome.firstExposureAt),
    users: 1,
    converters: outcome.convertedAt ? 1 : 0,
    valueSum: outcome.valueSum,
    valueSumSquares: outcome.valueSum * outcome.valueSum,
    covariateSum: outcome.covariate ?? 0,
    covariateSumSquares: (outcome.covariate ?? 0) ** 2,
    covariateCross: (outcome.covariate ?? 0) * outcome.valueSum,
  };
}
