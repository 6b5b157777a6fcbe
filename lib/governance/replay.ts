/**
 * What a contact policy would have done (the policy page's "last 30 days", issue 17) and how
 * hard the bank presses its customers (the contact-pressure view). Pure: db/contact_policies.ts
 * reads the contacts.
 *
 * A replayed contact is one (experiment, customer) first handed an arm on a contact channel at
 * `at`. The replay walks each customer's contacts in time order and decides each as assignment
 * would have (lib/governance/decide.ts's `settle`): capped when the contacts it kept within a
 * cap's window already reach the cap (`exceedsCap`), else quiet when the quiet hours held at
 * `at`, else kept. Capped and quiet contacts are never kept, so they never count against later
 * ones — as the ledger records only the contacts it lets through. Contacts before the period
 * (`history`) count against the period's first contacts but are not reported.
 */
import {
  capsFor,
  CONTACT_CHANNELS,
  type ContactCap,
  exceedsCap,
  type LedgerContact,
  type QuietHours,
  quietUntil,
} from "./policy.ts";

/** One contact as read from the ledger or from a first exposure. */
export interface ReplayContact {
  experimentId: string;
  unit: string;
  channel: string;
  at: Date;
  /** The experiment's campaign (null: none). */
  campaignId: string | null;
}

export interface ReplayCounts {
  contacts: number;
  capped: number;
  quiet: number;
  kept: number;
}

export interface WhatIf {
  /** Every contact channel and campaign together. */
  total: ReplayCounts;
  customers: number;
  byChannel: Array<{ channel: string } & ReplayCounts>;
  byCampaign: Array<{ campaignId: string | null; channel: string } & ReplayCounts>;
}

const zero = (): ReplayCounts => ({ contacts: 0, capped: 0, quiet: 0, kept: 0 });

const isContactChannel = (channel: string) =>
  (CONTACT_CHANNELS as readonly string[]).includes(channel);

const byTime = (a: ReplayContact, b: ReplayContact) =>
  a.at.getTime() - b.at.getTime() || (a.experimentId < b.experimentId ? -1 : 1);

function groupByUnit(contacts: readonly ReplayContact[]): Map<string, ReplayContact[]> {
  const units = new Map<string, ReplayContact[]>();
  for (const c of contacts) {
    const list = units.get(c.unit);
    if (list) list.push(c);
    else units.set(c.unit, [c]);
  }
  return units;
}

/**
 * Replays `contacts` (the period's; channels that are not contacts are left out) under `caps`
 * and `quietHours`, with `history` (contacts before the period, as they happened) counting
 * against the caps.
 */
export function replayPolicy(
  policy: { caps: readonly ContactCap[]; quietHours: QuietHours | null },
  contacts: readonly ReplayContact[],
  history: readonly ReplayContact[] = [],
): WhatIf {
  const total = zero();
  const channels = new Map<string, ReplayCounts>();
  const campaigns = new Map<
    string,
    { campaignId: string | null; channel: string } & ReplayCounts
  >();
  const pastOf = groupByUnit(history);
  const period = groupByUnit(contacts.filter((c) => isContactChannel(c.channel)));
  const rules = { caps: [...policy.caps], quietHours: policy.quietHours, holdout: null };
  for (const [unit, list] of period) {
    list.sort(byTime);
    const kept: LedgerContact[] = (pastOf.get(unit) ?? [])
      .filter((c) => isContactChannel(c.channel))
      .map((c) => ({ experimentId: c.experimentId, channel: c.channel, at: c.at }));
    for (const c of list) {
      const capped = exceedsCap(capsFor(rules, c.channel), kept, c.experimentId, c.at);
      const quiet = !capped && quietUntil(policy.quietHours, c.channel, c.at) !== null;
      if (!capped && !quiet) {
        kept.push({ experimentId: c.experimentId, channel: c.channel, at: c.at });
      }
      const outcome = capped ? "capped" : quiet ? "quiet" : "kept";
      const channel = channels.get(c.channel) ?? zero();
      channels.set(c.channel, channel);
      const campaignKey = `${c.campaignId ?? ""}/${c.channel}`;
      const campaign = campaigns.get(campaignKey) ??
        { campaignId: c.campaignId, channel: c.channel, ...zero() };
      campaigns.set(campaignKey, campaign);
      for (const counts of [total, channel, campaign]) {
        counts.contacts++;
        counts[outcome]++;
      }
    }
  }
  return {
    total,
    customers: period.size,
    byChannel: CONTACT_CHANNELS.filter((ch) => channels.has(ch))
      .map((channel) => ({ channel, ...channels.get(channel)! })),
    byCampaign: [...campaigns.values()].sort((a, b) =>
      b.contacts - a.contacts || String(a.campaignId).localeCompare(String(b.campaignId))
    ),
  };
}

/** Mean, median, 90th percentile and maximum of per-customer counts. */
export interface Spread {
  customers: number;
  contacts: number;
  mean: number;
  median: number;
  p90: number;
  max: number;
}

/**
 * The spread of `counts` (one per customer contacted at least once). Percentiles are the
 * nearest-rank ones (a count some customer really had): the smallest count with at least
 * p% of customers at or below it.
 */
export function spreadOf(counts: readonly number[]): Spread {
  if (counts.length === 0) {
    return { customers: 0, contacts: 0, mean: 0, median: 0, p90: 0, max: 0 };
  }
  const sorted = [...counts].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
  const contacts = sorted.reduce((s, n) => s + n, 0);
  return {
    customers: sorted.length,
    contacts,
    mean: contacts / sorted.length,
    median: rank(0.5),
    p90: rank(0.9),
    max: sorted[sorted.length - 1],
  };
}

/** A row of the contact-pressure view: one channel (or `*`, every contact channel). */
export interface PressureRow {
  channel: string;
  /** Contacts per contacted customer over the last 7 and 30 days. */
  days7: Spread;
  days30: Spread;
}

/**
 * Contacts per customer per contact channel over the 7 and 30 days before `now`, among the
 * customers contacted at least once on that channel in the period; `*` counts every contact
 * channel together.
 */
export function pressure(contacts: readonly ReplayContact[], now: Date): PressureRow[] {
  const end = now.getTime();
  const rows: PressureRow[] = [];
  for (const channel of ["*", ...CONTACT_CHANNELS]) {
    const spreads = [7, 30].map((days) => {
      const since = end - days * 86_400_000;
      const perUnit = new Map<string, number>();
      for (const c of contacts) {
        const t = c.at.getTime();
        if (t <= since || t > end || !isContactChannel(c.channel)) continue;
        if (channel !== "*" && c.channel !== channel) continue;
        perUnit.set(c.unit, (perUnit.get(c.unit) ?? 0) + 1);
      }
      return spreadOf([...perUnit.values()]);
    });
    if (channel === "*" || spreads[1].customers > 0) {
      rows.push({ channel, days7: spreads[0], days30: spreads[1] });
    }
  }
  return rows;
}

/** How many customers are at or over a cap now. */
export interface CapReach {
  cap: ContactCap;
  /** Customers contacted on the cap's channel(s) within its window. */
  customers: number;
  /** Of them, those with `max` contacts or more in the window: the next contact is capped. */
  atCap: number;
}

/** For each cap: the customers contacted within its window and those at or over it at `now`. */
export function capReach(
  caps: readonly ContactCap[],
  contacts: readonly ReplayContact[],
  now: Date,
): CapReach[] {
  const end = now.getTime();
  return caps.map((cap) => {
    const since = end - cap.windowHours * 3_600_000;
    const perUnit = new Map<string, number>();
    for (const c of contacts) {
      const t = c.at.getTime();
      if (t <= since || t > end || !isContactChannel(c.channel)) continue;
      if (cap.channel !== "*" && c.channel !== cap.channel) continue;
      perUnit.set(c.unit, (perUnit.get(c.unit) ?? 0) + 1);
    }
    let atCap = 0;
    for (const n of perUnit.values()) if (n >= cap.max) atCap++;
    return { cap, customers: perUnit.size, atCap };
  });
}
