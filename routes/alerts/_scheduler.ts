/**
 * The notification worker and the alert schedule, on the per-minute scheduler (main.ts): each
 * round carries out the due scheduled starts and stops (../experiments/_schedule.ts), checks
 * every running experiment (./_check.ts), produces the due digests (../digests/_produce.ts),
 * sends the due deliveries (db/deliveries.ts claims them; any number of instances may run this)
 * and last runs the raw-event retention purge of the banks due for it (db/retention.ts: once
 * per bank per day, claimed so that one instance runs it). A delivery goes only to a channel of
 * its own bank: the queue joins on the bank, and the worker checks again before sending.
 */
import { channelKey, channelTarget } from "../../db/notification_channels.ts";
import {
  type AttemptOutcome,
  claimDue,
  type ClaimedDelivery,
  recordAttempt,
} from "../../db/deliveries.ts";
import type { AppDeps } from "../../plugins/context.ts";
import { accepted, buildRequest } from "../../lib/notify/formats.ts";
import { send } from "../../lib/notify/transport.ts";
import type { NotificationMessage } from "../../lib/notify/types.ts";
import { checkAll } from "./_check.ts";
import { runRetention } from "../../db/retention.ts";
import { runSchedules } from "../experiments/_schedule.ts";
import { produceDigests } from "../digests/_produce.ts";

export interface NotifyOptions {
  secretKey: string | undefined;
  allowHosts: readonly string[];
  fetch?: typeof fetch;
  resolve?: (host: string) => Promise<string[]>;
}

/** Sends one message to one channel target: the built request, the answer, whether taken. */
export async function sendTo(
  target: Awaited<ReturnType<typeof channelTarget>> & object,
  message: NotificationMessage,
  now: Date,
  options: NotifyOptions,
): Promise<AttemptOutcome> {
  const request = await buildRequest(target, message, now.getTime());
  const result = await send(request, options);
  return {
    ok: result.status !== null && accepted(target.kind, result.status, result.answer),
    status: result.status,
    answer: result.answer,
    error: result.error,
  };
}

/** Sends every due delivery (in batches of 20); returns how many were tried. */
export async function deliverDue(
  db: AppDeps["db"],
  now: Date,
  options: NotifyOptions,
): Promise<number> {
  const key = await channelKey(db, options.secretKey);
  let tried = 0;
  for (;;) {
    const batch = await claimDue(db, now);
    if (batch.length === 0) return tried;
    tried += batch.length;
    await Promise.all(batch.map((d) => deliverOne(db, key, d, now, options)));
  }
}

async function deliverOne(
  db: AppDeps["db"],
  key: CryptoKey,
  delivery: ClaimedDelivery,
  now: Date,
  options: NotifyOptions,
): Promise<void> {
  try {
    const target = await channelTarget(db, key, delivery.channelId);
    if (
      !target || target.bankId !== delivery.bankId || delivery.message.bankId !== delivery.bankId
    ) {
      await recordAttempt(
        db,
        delivery,
        {
          ok: false,
          status: null,
          answer: "",
          error: "Channel deleted or of another bank: not sent",
        },
        now,
        { cancelled: true },
      );
      return;
    }
    await recordAttempt(db, delivery, await sendTo(target, delivery.message, now, options), now);
  } catch (error) {
    // A secret that no longer decrypts (SECRET_KEY changed) or a database fault: retried later.
    await recordAttempt(db, delivery, {
      ok: false,
      status: null,
      answer: "",
      error: String(error instanceof Error ? error.message : error).slice(0, 500),
    }, now).catch((e) => console.error("recording a delivery failed:", e));
  }
}

/**
 * One round of the per-minute scheduler. Scheduled starts and stops first, so an experiment
 * started now is checked this round; digests before sending, so a digest due now goes out in
 * the same round. A step that fails is logged and the next one runs.
 */
export async function runRound(
  db: AppDeps["db"],
  now: () => Date,
  options: NotifyOptions,
): Promise<void> {
  for (
    const [name, step] of [
      ["schedule", () => runSchedules(db, now())],
      ["alert", () => checkAll(db, now())],
      ["digest", () => produceDigests(db, now())],
      ["delivery", () => deliverDue(db, now(), options)],
      ["retention", () => runRetention(db, now())],
    ] as const
  ) {
    try {
      await step();
    } catch (error) {
      console.error(`${name} round failed:`, error);
    }
  }
}

/**
 * Starts the alert schedule: every `everyMs` (a minute) check the running experiments, then
 * send what is due. Errors are logged and the schedule goes on. Returns a stop function that
 * waits for a round in progress.
 */
export function startAlertScheduler(
  db: AppDeps["db"],
  options: NotifyOptions & { everyMs?: number; now?: () => Date },
): () => Promise<void> {
  const { everyMs = 60_000, now = () => new Date() } = options;
  let round: Promise<void> = Promise.resolve();
  const tick = () => {
    round = round.then(() => runRound(db, now, options));
  };
  const timer = setInterval(tick, everyMs);
  return async () => {
    clearInterval(timer);
    await round;
  };
}
