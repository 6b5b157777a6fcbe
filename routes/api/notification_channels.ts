import { Hono } from "hono";
import type { Context } from "hono";
import { getBank } from "../../db/banks.ts";
import {
  type ChannelView,
  deleteChannel,
  getChannel,
  listChannels,
} from "../../db/notification_channels.ts";
import { AppError, noBankNamed, notFound } from "../../lib/errors.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { requireRole } from "../../plugins/session.ts";
import { readJson } from "../../plugins/validate.ts";
import { targetBank } from "../experiments/_service.ts";
import { bankOf, UUID } from "../alerts/_bank.ts";
import { addChannel, newChannelSchema, testChannel } from "../alerts/_channels.ts";

/**
 * A bank's notification channels (issue 18), mounted at `/api/notification-channels`: growth
 * users of the bank and admins list (`GET`, never with the URL's secret parts or the signing
 * secret), create (`POST`), delete (`DELETE /:id`) and test (`POST /:id/test`) them.
 */
const app = new Hono<AppEnv>();
type Ctx = Context<AppEnv>;
app.use("*", requireRole("admin", "growth"));

const view = (ch: ChannelView) => ({
  id: ch.id,
  bankId: ch.bankId,
  kind: ch.kind,
  name: ch.name,
  url: ch.urlHint,
  hasSecret: ch.hasSecret,
  events: ch.events,
  locale: ch.locale,
  createdAt: ch.createdAt.toISOString(),
});

function noChannel(): AppError {
  return new AppError(404, "CHANNEL_NOT_FOUND", "No such notification channel", {}, {
    key: "error.api.noChannel",
  });
}

async function channelOf(c: Ctx): Promise<ChannelView> {
  const id = c.req.param("id") ?? "";
  if (!UUID.test(id)) throw noChannel();
  const channel = await getChannel(c.var.db, await bankOf(c), id);
  if (!channel) throw noChannel();
  return channel;
}

app.get("/", async (c) => {
  const bankId = await bankOf(c);
  const channels = await listChannels(c.var.db, bankId);
  return c.json({ bankId, channels: channels.map(view) });
});

app.post("/", async (c) => {
  const body = await readJson(c, newChannelSchema);
  const bankId = targetBank(c, body.bankId);
  if (!await getBank(c.var.db, c.var.scope, bankId)) {
    throw notFound(`No bank "${bankId}"`, noBankNamed(bankId));
  }
  const channel = await addChannel(c, bankId, body);
  return c.json({ channel: view(channel) }, 201);
});

app.delete("/:id", async (c) => {
  const channel = await channelOf(c);
  await c.var.db.transaction().execute(async (trx) => {
    if (!await deleteChannel(trx, channel.bankId, channel.id, c.var.now())) throw noChannel();
    await audit(c, {
      action: "notification_channel.delete",
      bankId: channel.bankId,
      target: channel.id,
      details: { kind: channel.kind, url: channel.urlHint },
    }, trx);
  });
  return c.json({ deleted: channel.id });
});

app.post("/:id/test", async (c) => {
  const channel = await channelOf(c);
  const result = await testChannel(c, channel);
  return c.json({ channel: view(channel), ...result });
});

export default app;
