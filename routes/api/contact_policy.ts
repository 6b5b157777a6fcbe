/**
 * A bank's contact policy (issue 17; docs/GOVERNANCE.md), mounted at `/api/contact-policy`:
 *
 * - `GET /?bank=` the caps, quiet hours, holdout (`percent`, `startedAt`; never its salt) and
 *   retention;
 * - `PUT /?bank=` replaces them (audited `contact_policy.update` in the same transaction; the
 *   change notifies `e:<bank>`, so every instance reloads the bank's experiments with it);
 * - `POST /what-if?bank=` what a proposed policy (the same body) would have done to the last 30
 *   days' contacts, without saving it.
 *
 * Admins (naming the bank with `?bank=`) and the bank's growth users.
 */
import { type Context, Hono } from "hono";
import {
  campaignNames,
  contactsBetween,
  getContactPolicy,
  lockContactPolicy,
  saveContactPolicy,
  type StoredPolicy,
} from "../../db/contact_policies.ts";
import { AppError, badRequest } from "../../lib/errors.ts";
import {
  asPolicyInput,
  type ContactPolicyInput,
  nextHoldout,
  policyInputSchema,
  policyProblemOf,
} from "../../lib/governance/contact_policy.ts";
import { longestWindowHours } from "../../lib/governance/policy.ts";
import { replayPolicy, type WhatIf } from "../../lib/governance/replay.ts";
import { randomToken } from "../../lib/security/password.ts";
import { validationError } from "../../plugins/validate.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser, requireRole } from "../../plugins/session.ts";
import { bankOf } from "../alerts/_bank.ts";
import type { Db } from "../../db/schema.ts";

type Ctx = Context<AppEnv>;

/** How far back the what-if replays. */
export const WHAT_IF_DAYS = 30;

/** The policy as the API shows it: the holdout without its salt. */
export function policyView(p: StoredPolicy) {
  return {
    bankId: p.bankId,
    caps: p.caps,
    quietHours: p.quietHours,
    holdout: p.holdout === null
      ? null
      : { percent: p.holdout.percent, startedAt: p.holdout.startedAt },
    retentionDays: p.retentionDays,
    updatedBy: p.updatedBy,
    updatedAt: p.updatedAt?.toISOString() ?? null,
  };
}

/**
 * Parses a policy body: 400 with the broken rule's code (said in the reader's language), or
 * `VALIDATION_ERROR` for a body of the wrong shape.
 */
export function parsePolicy(body: unknown): ContactPolicyInput {
  const parsed = policyInputSchema.safeParse(body);
  if (parsed.success) return asPolicyInput(parsed.data);
  const problem = policyProblemOf(parsed.error);
  if (!problem) throw validationError(parsed.error);
  const error = badRequest(problem.code, englishProblem(problem.code, problem.params));
  error.translation = { key: `policyError.${problem.code}`, params: problem.params };
  throw error;
}

function englishProblem(code: string, p: Record<string, string | number>): string {
  switch (code) {
    case "INVALID_TIME":
      return `${p.field} must be a time as HH:MM on a 24-hour clock, such as 21:00 (got "${p.value}")`;
    case "TIME_ZONE_INVALID":
      return `"${p.value}" is not a time zone: use an IANA name such as Asia/Shanghai`;
    case "UNKNOWN_CHANNEL":
      return `No channel "${p.value}"`;
    case "CAP_OUT_OF_RANGE":
      return `A cap's ${p.field} must be a whole number from ${p.min} to ${p.max} (got ${p.value})`;
    case "DUPLICATE_CAP":
      return `Only one cap per channel (${p.channel}) and window (${p.windowHours} hours)`;
    case "HOLDOUT_PERCENT_OUT_OF_RANGE":
      return `The holdout percent must be from 0 to ${p.max} (got ${p.value})`;
    default:
      return `Retention must be a whole number of days from 1 to ${p.max} (got ${p.value})`;
  }
}

async function readBody(c: Ctx): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().includes("application/json")) {
    throw new AppError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      'Expected "Content-Type: application/json"',
      {},
      {
        key: "error.api.expectJson",
      },
    );
  }
  try {
    return await c.req.json();
  } catch {
    throw badRequest("MALFORMED_JSON", "Request body is not valid JSON");
  }
}

function holdoutCannotGrow(from: number, to: number): AppError {
  const error = new AppError(
    409,
    "HOLDOUT_CANNOT_GROW",
    `The holdout can only shrink (now ${from}%, asked ${to}%): growing it would move customers ` +
      `already in experiments into the holdout. For a larger holdout, end this one first (save ` +
      `with "holdout": null), then set the new percent: that is a new holdout.`,
  );
  error.translation = { key: "policyError.HOLDOUT_CANNOT_GROW", params: { from, to } };
  return error;
}

/**
 * Saves `input` as the bank's policy in one transaction with its audit entry; 409
 * `HOLDOUT_CANNOT_GROW` when the holdout's percent would grow. Returns the stored policy.
 */
export async function changePolicy(
  c: Ctx,
  bankId: string,
  input: ContactPolicyInput,
): Promise<StoredPolicy> {
  const now = c.var.now();
  const user = currentUser(c);
  await c.var.db.transaction().execute(async (trx) => {
    // Serialises two changes of one bank (a first insert races on the primary key instead).
    const stored = await lockContactPolicy(trx, bankId);
    const holdout = nextHoldout(stored?.holdout ?? null, input.holdout, now, newSalt);
    if (!holdout.ok) throw holdoutCannotGrow(holdout.from, holdout.to);
    const retentionDays = input.retentionDays === undefined
      ? stored?.retentionDays ?? null
      : input.retentionDays;
    await saveContactPolicy(
      trx,
      {
        bankId,
        caps: input.caps,
        quietHours: input.quietHours,
        holdout: holdout.holdout,
        retentionDays,
      },
      user.id,
      now,
    );
    await audit(c, {
      action: "contact_policy.update",
      bankId,
      target: bankId,
      details: {
        caps: input.caps,
        quietHours: input.quietHours,
        holdout: holdout.holdout === null
          ? null
          : { percent: holdout.holdout.percent, startedAt: holdout.holdout.startedAt },
        holdoutStarted: holdout.started,
        previousHoldoutPercent: stored?.holdout?.percent ?? null,
        retentionDays,
      },
    }, trx);
  });
  return await getContactPolicy(c.var.db, bankId);
}

/** A new holdout's salt: 128 random bits. */
function newSalt(): string {
  return randomToken(16);
}

/** What `policy` would have done to the bank's contacts of the last 30 days before `now`. */
export async function whatIf(
  db: Db,
  bankId: string,
  policy: Pick<ContactPolicyInput, "caps" | "quietHours">,
  now: Date,
): Promise<WhatIf & { from: Date; to: Date }> {
  const from = new Date(now.getTime() - WHAT_IF_DAYS * 86_400_000);
  // Contacts before the period count against its first ones, up to the longest window back
  // (capped at a year).
  const back = Math.min(longestWindowHours(policy.caps), 8760) * 3_600_000;
  const [period, history] = await Promise.all([
    contactsBetween(db, bankId, from, now),
    back > 0 ? contactsBetween(db, bankId, new Date(from.getTime() - back), from) : [],
  ]);
  return { ...replayPolicy(policy, period, history), from, to: now };
}

const app = new Hono<AppEnv>();
app.use("*", requireRole("admin", "growth"));

app.get("/", async (c) => {
  const bankId = await bankOf(c);
  return c.json({ policy: policyView(await getContactPolicy(c.var.db, bankId)) });
});

app.put("/", async (c) => {
  const bankId = await bankOf(c);
  const input = parsePolicy(await readBody(c));
  const stored = await changePolicy(c, bankId, input);
  return c.json({ policy: policyView(stored) });
});

app.post("/what-if", async (c) => {
  const bankId = await bankOf(c);
  const input = parsePolicy(await readBody(c));
  const [result, names] = await Promise.all([
    whatIf(c.var.db, bankId, input, c.var.now()),
    campaignNames(c.var.db, bankId),
  ]);
  return c.json({
    bankId,
    from: result.from.toISOString(),
    to: result.to.toISOString(),
    customers: result.customers,
    total: result.total,
    byChannel: result.byChannel,
    byCampaign: result.byCampaign.map((row) => ({
      ...row,
      campaign: row.campaignId === null ? null : names.get(row.campaignId)?.name ?? null,
    })),
  });
});

export default app;
