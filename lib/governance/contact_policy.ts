/**
 * The contact policy as `PUT /api/contact-policy` takes it (issue 17; docs/GOVERNANCE.md):
 *
 *     {"caps": [{"channel": "sms" | … | "*", "max": 2, "windowHours": 168}],
 *      "quietHours": {"start": "21:00", "end": "08:00", "timeZone": "Asia/Shanghai",
 *                     "channels": ["sms", "outbound_call"]} | null,
 *      "holdout": {"percent": 5} | null,
 *      "retentionDays"?: N | null}
 *
 * `policyInputSchema` checks the shape with zod; each rule a person can break has its own code
 * (`PolicyProblem`), said in both languages (lib/i18n/governance_messages.ts). `nextHoldout`
 * applies the holdout's shrink-only rule. Pure.
 */
import { z } from "zod";
import { type Channel, CHANNELS } from "../experiments/settings.ts";
import { type ContactCap, isTimeZone, type QuietHours, type StoredHoldout } from "./policy.ts";

/** Limits of a cap: at most this many contacts… */
export const MAX_CAP = 1000;
/** …within a window of at most a year. */
export const MAX_WINDOW_HOURS = 8760;
/** The largest holdout: half the bank's customers. */
export const MAX_HOLDOUT_PERCENT = 50;
/** Retention of raw events: 1 day to 10 years (the column's check). */
export const MAX_RETENTION_DAYS = 3650;

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The rules a policy can break, each with its own 400 code. */
export type PolicyProblemCode =
  | "INVALID_TIME"
  | "TIME_ZONE_INVALID"
  | "UNKNOWN_CHANNEL"
  | "CAP_OUT_OF_RANGE"
  | "DUPLICATE_CAP"
  | "HOLDOUT_PERCENT_OUT_OF_RANGE"
  | "RETENTION_OUT_OF_RANGE";

export interface PolicyProblem {
  code: PolicyProblemCode;
  /** Where: `caps.1.max`, `quietHours.start`… */
  path: string;
  /** Values for the message (the field, the value given, the limits). */
  params: Record<string, string | number>;
}

const problem = (
  ctx: z.RefinementCtx,
  path: (string | number)[],
  code: PolicyProblemCode,
  params: Record<string, string | number> = {},
) => ctx.addIssue({ code: "custom", path, message: code, params: { policyCode: code, ...params } });

const isChannel = (value: string): value is Channel =>
  (CHANNELS as readonly string[]).includes(value);

const shown = (value: unknown) => String(value).slice(0, 40);

const capSchema = z.strictObject({
  channel: z.string().max(64),
  max: z.number(),
  windowHours: z.number(),
}).superRefine((cap, ctx) => {
  if (cap.channel !== "*" && !isChannel(cap.channel)) {
    problem(ctx, ["channel"], "UNKNOWN_CHANNEL", { value: shown(cap.channel) });
  }
  if (!Number.isInteger(cap.max) || cap.max < 1 || cap.max > MAX_CAP) {
    problem(ctx, ["max"], "CAP_OUT_OF_RANGE", {
      field: "max",
      value: shown(cap.max),
      min: 1,
      max: MAX_CAP,
    });
  }
  if (
    !Number.isInteger(cap.windowHours) || cap.windowHours < 1 || cap.windowHours > MAX_WINDOW_HOURS
  ) {
    problem(ctx, ["windowHours"], "CAP_OUT_OF_RANGE", {
      field: "windowHours",
      value: shown(cap.windowHours),
      min: 1,
      max: MAX_WINDOW_HOURS,
    });
  }
});

const quietHoursSchema = z.strictObject({
  start: z.string().max(16),
  end: z.string().max(16),
  timeZone: z.string().max(64),
  channels: z.array(z.string().max(64)).min(1).max(CHANNELS.length),
}).superRefine((q, ctx) => {
  for (const field of ["start", "end"] as const) {
    if (!HH_MM.test(q[field])) {
      problem(ctx, [field], "INVALID_TIME", { field, value: shown(q[field]) });
    }
  }
  if (!isTimeZone(q.timeZone)) {
    problem(ctx, ["timeZone"], "TIME_ZONE_INVALID", { value: shown(q.timeZone) });
  }
  q.channels.forEach((channel, i) => {
    if (!isChannel(channel)) {
      problem(ctx, ["channels", i], "UNKNOWN_CHANNEL", { value: shown(channel) });
    }
  });
});

/** The body of `PUT /api/contact-policy` (also the policy page's what-if). */
export const policyInputSchema = z.strictObject({
  caps: z.array(capSchema).max(20),
  quietHours: quietHoursSchema.nullable(),
  holdout: z.strictObject({ percent: z.number() }).nullable(),
  retentionDays: z.number().nullable().optional(),
}).superRefine((policy, ctx) => {
  const seen = new Set<string>();
  policy.caps.forEach((cap, i) => {
    const key = `${cap.channel}/${cap.windowHours}`;
    if (seen.has(key)) {
      problem(ctx, ["caps", i], "DUPLICATE_CAP", {
        channel: shown(cap.channel),
        windowHours: shown(cap.windowHours),
      });
    }
    seen.add(key);
  });
  const percent = policy.holdout?.percent;
  if (
    percent !== undefined && (!Number.isFinite(percent) || percent < 0 ||
      percent > MAX_HOLDOUT_PERCENT)
  ) {
    problem(ctx, ["holdout", "percent"], "HOLDOUT_PERCENT_OUT_OF_RANGE", {
      value: shown(percent),
      max: MAX_HOLDOUT_PERCENT,
    });
  }
  const days = policy.retentionDays;
  if (
    days !== undefined && days !== null &&
    (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS)
  ) {
    problem(ctx, ["retentionDays"], "RETENTION_OUT_OF_RANGE", {
      value: shown(days),
      max: MAX_RETENTION_DAYS,
    });
  }
});

export type PolicyInput = z.output<typeof policyInputSchema>;

/** The policy as checked: channels narrowed to the known ones. */
export interface ContactPolicyInput {
  caps: ContactCap[];
  quietHours: QuietHours | null;
  holdout: { percent: number } | null;
  /** Absent: keep what is stored. */
  retentionDays?: number | null;
}

/** The first rule a parse broke, when it was one of ours (else the issue is a plain shape error). */
export function policyProblemOf(error: z.ZodError): PolicyProblem | null {
  for (const issue of error.issues) {
    const params = (issue as { params?: Record<string, string | number> }).params;
    if (issue.code === "custom" && params && typeof params.policyCode === "string") {
      const { policyCode, ...rest } = params;
      return {
        code: policyCode as PolicyProblemCode,
        path: issue.path.map(String).join("."),
        params: rest,
      };
    }
  }
  return null;
}

/** Narrows a parsed body (every channel was checked by the schema). */
export function asPolicyInput(parsed: PolicyInput): ContactPolicyInput {
  return {
    caps: parsed.caps.map((c) => ({
      channel: c.channel as Channel | "*",
      max: c.max,
      windowHours: c.windowHours,
    })),
    quietHours: parsed.quietHours
      ? { ...parsed.quietHours, channels: [...new Set(parsed.quietHours.channels as Channel[])] }
      : null,
    holdout: parsed.holdout,
    ...(parsed.retentionDays === undefined ? {} : { retentionDays: parsed.retentionDays }),
  };
}

/** What `nextHoldout` decided. */
export type HoldoutChange =
  | { ok: true; holdout: StoredHoldout | null; started: boolean }
  | { ok: false; code: "HOLDOUT_CANNOT_GROW"; from: number; to: number };

/**
 * The holdout to store when `asked` replaces `stored`: none (ended); a new one (random salt,
 * started now) when there was none; the same salt and start with a lower or equal percent;
 * refused when the percent would grow, which would move customers into the holdout — a larger
 * one is a new holdout: end this one (`null`), then set the new percent.
 */
export function nextHoldout(
  stored: StoredHoldout | null,
  asked: { percent: number } | null,
  now: Date,
  newSalt: () => string,
): HoldoutChange {
  if (asked === null) return { ok: true, holdout: null, started: false };
  if (stored === null) {
    return {
      ok: true,
      holdout: { percent: asked.percent, salt: newSalt(), startedAt: now.toISOString() },
      started: true,
    };
  }
  if (asked.percent > stored.percent) {
    return { ok: false, code: "HOLDOUT_CANNOT_GROW", from: stored.percent, to: asked.percent };
  }
  return {
    ok: true,
    holdout: { percent: asked.percent, salt: stored.salt, startedAt: stored.startedAt },
    started: false,
  };
}
