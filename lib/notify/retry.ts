/**
 * When a failed delivery is tried again: 1 minute after the first failure, then 5 minutes,
 * 30 minutes and 2 hours; the fifth failure gives up (status `failed`). A try that never
 * answered (the instance stopped mid-send) is taken again once its lease runs out.
 */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** How long a worker holds a delivery it is sending. */
export const SEND_LEASE_MS = 2 * 60_000;
/** Longest answer kept in the log. */
export const ANSWER_LIMIT = 500;

/** After `attempts` failed tries: when to try again, or null to give up. */
export function nextAttemptAt(attempts: number, now: Date): Date | null {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? null : new Date(now.getTime() + delay);
}
