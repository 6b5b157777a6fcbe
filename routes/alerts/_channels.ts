/**
 * What the channel API and the settings page share: the request schema, creating a channel
 * (URL policy, secrets encrypted, audited) and sending a test message (logged like any
 * delivery, one try).
 */
import type { Context } from "hono";
import { z } from "zod";
import {
  channelKey,
  channelTarget,
  type ChannelView,
  createChannel,
} from "../../db/notification_channels.ts";
import { queueTest, recordAttempt } from "../../db/deliveries.ts";
import { AppError, badRequest } from "../../lib/errors.ts";
import { bothLanguages } from "../../lib/alerts/rules.ts";
import { checkUrl, urlHint } from "../../lib/notify/url_policy.ts";
import { CHANNEL_KINDS, MESSAGE_TYPES, type NotificationMessage } from "../../lib/notify/types.ts";
import { BANK_ID_PATTERN } from "../../lib/patterns.ts";
import { storableText } from "../../lib/text_schema.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser } from "../../plugins/session.ts";
import { sendTo } from "./_scheduler.ts";

type Ctx = Context<AppEnv>;

export const newChannelSchema = z.strictObject({
  kind: z.enum(CHANNEL_KINDS),
  url: storableText().trim().min(1).max(2000),
  secret: storableText().min(1).max(512).optional(),
  events: z.array(z.enum(MESSAGE_TYPES)).min(1).max(MESSAGE_TYPES.length).optional(),
  bankId: z.string().regex(BANK_ID_PATTERN).optional(),
  name: storableText().trim().max(100).optional(),
  /** The messages' language: the bank's (Chinese) unless said. */
  locale: z.enum(["zh-CN", "en"]).optional(),
});
export type NewChannel = z.output<typeof newChannelSchema>;

function refused(code: string, message: string): AppError {
  const error = badRequest(code, message);
  return error;
}

export async function addChannel(c: Ctx, bankId: string, body: NewChannel): Promise<ChannelView> {
  const config = c.var.deps.config;
  const checked = checkUrl(body.url, config.notifyAllowHosts ?? []);
  if (!checked.ok) {
    throw refused(
      checked.code,
      {
        URL_INVALID: "The URL is not a valid http(s) URL",
        URL_NOT_HTTPS: "The URL must use https://",
        URL_CREDENTIALS: "The URL must not hold a user name or password",
        URL_PRIVATE_ADDRESS:
          "The URL points inside the network (set NOTIFY_ALLOW_HOSTS to allow it)",
      }[checked.code],
    );
  }
  if (body.kind === "webhook" && !body.secret) {
    throw refused("SECRET_REQUIRED", "A generic webhook needs a signing secret");
  }
  if (body.kind === "wecom" && body.secret) {
    throw refused("SECRET_NOT_USED", "WeCom group robots take no signing secret");
  }
  const key = await channelKey(c.var.db, config.secretKey);
  const now = c.var.now();
  return await c.var.db.transaction().execute(async (trx) => {
    const channel = await createChannel(trx, key, {
      bankId,
      kind: body.kind,
      name: body.name ?? "",
      url: checked.url.toString(),
      urlHint: urlHint(checked.url),
      secret: body.secret ?? null,
      events: body.events ? [...new Set(body.events)] : null,
      locale: body.locale ?? "zh-CN",
      createdBy: currentUser(c).id,
      now,
    });
    await audit(c, {
      action: "notification_channel.create",
      bankId,
      target: channel.id,
      details: { kind: channel.kind, url: channel.urlHint, events: channel.events },
    }, trx);
    return channel;
  });
}

export interface TestResult {
  ok: boolean;
  status: number | null;
  answer: string;
  error: string | null;
}

/** Sends a test message to a channel now; the try is logged as a delivery. */
export async function testChannel(c: Ctx, channel: ChannelView): Promise<TestResult> {
  const config = c.var.deps.config;
  const db = c.var.db;
  const now = c.var.now();
  const key = await channelKey(db, config.secretKey);
  const target = await channelTarget(db, key, channel.id);
  if (!target) {
    throw new AppError(404, "CHANNEL_NOT_FOUND", "No such notification channel", {}, {
      key: "error.api.noChannel",
    });
  }
  const message: NotificationMessage = {
    id: crypto.randomUUID(),
    type: "test",
    bankId: channel.bankId,
    at: now.toISOString(),
    summary: bothLanguages("alert.summary.test"),
    details: { channel: channel.id },
  };
  const delivery = await queueTest(db, channel, { ...message }, now);
  const outcome = await sendTo(target, message, now, {
    secretKey: config.secretKey,
    allowHosts: config.notifyAllowHosts ?? [],
  });
  await recordAttempt(db, delivery, outcome, now, { final: true });
  return outcome;
}
