/**
 * The `cap_pressure` alert (issue 18 part 1, issue 17): a send list of which a large share got
 * no arm because of contact caps (`frequency_capped`) — the campaign reaches far fewer customers
 * than planned, and the test's sample with them. Raised once per experiment and day (its cause is
 * the day, UTC), from the batch assignment route.
 */
import { type AlertCandidate, bothLanguages } from "./rules.ts";

/** Send lists smaller than this never raise it (a handful of capped customers is no pressure). */
export const CAP_PRESSURE_MIN_UNITS = 100;
/** The share of a send list capped from which the alert is raised. */
export const CAP_PRESSURE_SHARE = 0.2;

/** The alert for a send list of `units` distinct customers of which `capped` were capped. */
export function capPressureAlert(
  units: number,
  capped: number,
  now: Date,
): AlertCandidate | null {
  if (units < CAP_PRESSURE_MIN_UNITS || capped < units * CAP_PRESSURE_SHARE) return null;
  const share = `${(100 * capped / units).toFixed(1)}%`;
  return {
    type: "cap_pressure",
    cause: `day:${now.toISOString().slice(0, 10)}`,
    summary: bothLanguages("alert.summary.cap_pressure", { units, capped, share }),
    details: { units, capped, share: capped / units, threshold: CAP_PRESSURE_SHARE },
  };
}
