/**
 * A bank's traffic governance, decided before randomisation and next to the opt-out check, so
 * that it never biases a test (issue 17; docs/GOVERNANCE.md):
 *
 * - **Contact caps**: at most `max` contacts per customer within `windowHours`, on one channel
 *   or (`"*"`) on every contact channel together. A contact is one experiment handing a customer
 *   an arm on a capped channel, counted once per (experiment, customer) when it is first handed
 *   (db/contacts.ts keeps the ledger and checks it atomically across instances).
 * - **Quiet hours**: no arm on the listed channels between `start` and `end` in `timeZone`
 *   (a window may cross midnight); the answer says when the quiet hours end.
 * - **Global holdout** (长期对照组): a stable, hashed `percent` of the bank's customers never
 *   enter any experiment. Membership is `holdoutBucket(salt, unit) < percent / 100`, so lowering
 *   the percent only moves customers out; raising it is refused (it would move customers in).
 *   Ending it (no holdout) and starting another draws a new salt: a new holdout, a new report.
 * - **Layers**: an experiment may take a range [from, to) of a layer; `layerBucket(key, unit)`
 *   places each customer once per layer, so experiments on disjoint ranges never share one.
 *
 * Buckets use the experiments' own v2 hash (FNV-1a, then MurmurHash3's finaliser) with prefixes
 * no experiment key can take (`/` is not allowed in keys), so SDKs can reproduce them.
 */
import { bucketer } from "../experiments/bucket_prefix.ts";
import { type Channel, CHANNELS } from "../experiments/settings.ts";

/** Channels whose arms are contacts with the customer; an in-app banner is not one. */
export const CONTACT_CHANNELS: readonly Channel[] = CHANNELS.filter((c) => c !== "in_app_banner");

export interface ContactCap {
  /** A channel, or `*`: every contact channel together. */
  channel: Channel | "*";
  max: number;
  windowHours: number;
}

export interface QuietHours {
  /** "HH:MM", 24-hour clock, in `timeZone`. */
  start: string;
  end: string;
  /** An IANA zone, e.g. "Asia/Shanghai". */
  timeZone: string;
  channels: Channel[];
}

/** The holdout as stored: the percent, its salt and when it started. */
export interface StoredHoldout {
  percent: number;
  salt: string;
  startedAt: string;
}

/** What assignment needs of a bank's policy (null fields: not set). */
export interface GovernancePolicy {
  caps: ContactCap[];
  quietHours: QuietHours | null;
  holdout: StoredHoldout | null;
}

/** A QA unit put into an arm. */
export interface ForcedUnit {
  unit: string;
  variant: string;
}

/** A bank without a policy: nothing capped, no quiet hours, no holdout. */
export const NO_POLICY: GovernancePolicy = Object.freeze({
  caps: [],
  quietHours: null,
  holdout: null,
});

/**
 * Bucketers with their prefix hashed once (lib/experiments/bucket_prefix.ts), by prefix: a
 * bank has one holdout salt and a few layers, so this stays small (and is dropped past 10,000).
 */
const bucketers = new Map<string, (unit: string) => number>();

/** `bucketOf(prefix, unit, 2)`, with the prefix's part of the hash computed once. */
function prefixedBucket(prefix: string, unit: string): number {
  let bucket = bucketers.get(prefix);
  if (bucket === undefined) {
    if (bucketers.size >= 10_000) bucketers.clear();
    bucket = bucketer(prefix, 2);
    bucketers.set(prefix, bucket);
  }
  return bucket(unit);
}

/** The customer's holdout bucket in [0, 1) for a holdout's salt. */
export function holdoutBucket(salt: string, unit: string): number {
  return prefixedBucket(`holdout/${salt}`, unit);
}

/** Whether the customer is in the holdout. */
export function inHoldout(holdout: StoredHoldout | null, unit: string): boolean {
  return holdout !== null && holdout.percent > 0 &&
    holdoutBucket(holdout.salt, unit) < holdout.percent / 100;
}

/** The customer's bucket in [0, 1) within a layer. */
export function layerBucket(layerKey: string, unit: string): number {
  return prefixedBucket(`layer/${layerKey}`, unit);
}

/** Whether the customer falls in the range [from, to) of the layer. */
export function inLayerRange(
  layer: { key: string; range: readonly [number, number] },
  unit: string,
): boolean {
  const bucket = layerBucket(layer.key, unit);
  return bucket >= layer.range[0] && bucket < layer.range[1];
}

/** Whether two ranges [a0, a1) and [b0, b1) share any bucket. */
export function rangesOverlap(
  a: readonly [number, number],
  b: readonly [number, number],
): boolean {
  return a[0] < b[1] && b[0] < a[1];
}

/** The caps that apply to an experiment on `channel` (none without a channel). */
export function capsFor(policy: GovernancePolicy, channel: string | null): ContactCap[] {
  if (channel === null) return [];
  return policy.caps.filter((cap) =>
    cap.channel === channel ||
    (cap.channel === "*" && (CONTACT_CHANNELS as readonly string[]).includes(channel))
  );
}

/** Whether an experiment on `channel` must check caps (and record its contacts). */
export function isCapped(policy: GovernancePolicy, channel: string | null): boolean {
  return capsFor(policy, channel).length > 0;
}

/** A contact already in the ledger, as the caps count it. */
export interface LedgerContact {
  experimentId: string;
  channel: string;
  at: Date;
}

/**
 * Whether one more contact on `channel` for `experimentId` at `now` would exceed a cap, given
 * the customer's contacts in the ledger. The experiment's own contact never counts against it
 * (asking again is the same contact).
 */
export function exceedsCap(
  caps: readonly ContactCap[],
  contacts: readonly LedgerContact[],
  experimentId: string,
  now: Date,
): boolean {
  return caps.some((cap) => {
    const since = now.getTime() - cap.windowHours * 3_600_000;
    let count = 0;
    for (const c of contacts) {
      if (c.experimentId === experimentId) continue;
      if (c.at.getTime() <= since || c.at.getTime() > now.getTime()) continue;
      if (cap.channel === "*" || c.channel === cap.channel) count++;
    }
    return count >= cap.max;
  });
}

/** The longest window of the caps, in hours (0 without caps): how far back the ledger is read. */
export function longestWindowHours(caps: readonly ContactCap[]): number {
  return caps.reduce((longest, cap) => Math.max(longest, cap.windowHours), 0);
}

function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return h * 60 + m;
}

/**
 * When the quiet hours that hold at `now` on `channel` end, or null when they do not hold.
 * `start` = `end` means no quiet hours.
 */
export function quietUntil(
  quietHours: QuietHours | null,
  channel: string | null,
  now: Date,
): Date | null {
  if (!quietHours || channel === null) return null;
  if (!(quietHours.channels as readonly string[]).includes(channel)) return null;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return null;
  const local = Temporal.Instant.fromEpochMilliseconds(now.getTime())
    .toZonedDateTimeISO(quietHours.timeZone);
  const minute = local.hour * 60 + local.minute;
  const quiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!quiet) return null;
  const endTime = Temporal.PlainTime.from(quietHours.end);
  let ends = local.withPlainTime(endTime);
  if (Temporal.ZonedDateTime.compare(ends, local) <= 0) ends = ends.add({ days: 1 });
  return new Date(ends.epochMilliseconds);
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(timeZone);
    return true;
  } catch {
    return false;
  }
}
