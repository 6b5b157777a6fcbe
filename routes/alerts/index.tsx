/**
 * The alert pages (issue 18): `/alerts`, the inbox of the reader's bank (`?bank=` for admins),
 * with "acknowledge" buttons; `/alerts/channels`, the bank's notification channels, their
 * recent deliveries, a form to add one, and "send a test" / delete buttons (growth users and
 * admins). Forms post and come back (Post/Redirect/Get) with `?done=` or `?error=<CODE>`.
 */
import { type Context, Hono } from "hono";
import { AlertList } from "../../components/alerts/AlertList.tsx";
import { ChannelSettings } from "../../components/alerts/ChannelSettings.tsx";
import { BankPicker } from "../../components/BankPicker.tsx";
import { renderPage } from "../../components/render.tsx";
import { ackAlert, alertBank, listAlerts } from "../../db/alerts.ts";
import { listDeliveries } from "../../db/deliveries.ts";
import { deleteChannel, getChannel, listChannels } from "../../db/notification_channels.ts";
import { AppError, badRequest, BANK_REQUIRED } from "../../lib/errors.ts";
import { keyFor } from "../../lib/i18n/mod.ts";
import { inScope } from "../../lib/scope.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser, guardPage } from "../../plugins/session.ts";
import { parseWith } from "../../plugins/validate.ts";
import { canManage, choosableBanks, requestedBank, UUID } from "./_bank.ts";
import { addChannel, newChannelSchema, testChannel } from "./_channels.ts";
import { OFFERED_TYPES } from "../../components/alerts/ChannelSettings.tsx";

type Ctx = Context<AppEnv>;
const app = new Hono<AppEnv>();
guardPage(app, "/alerts"); // and /alerts/channels, for managers only (lib/roles.ts)

async function bankPicker(c: Ctx, action: string) {
  const { t, locale } = c.var;
  const banks = await choosableBanks(c);
  return (
    <BankPicker {...{ t, locale, action, banks }} label="alerts.pickBank" submit="alerts.show" />
  );
}

/** The message after a form action: `?done=` or `?error=<CODE>` (codes of lib/errors.ts). */
function flash(c: Ctx) {
  const t = c.var.t;
  const error = c.req.query("error");
  if (error) {
    const key = keyFor("error.code.", error.replace(/[^A-Z_]/g, "").slice(0, 40));
    return (
      <p class="flash warning" role="alert" data-testid="flash-error">
        {key ? t(key) : t("error.code.BAD_REQUEST")}
      </p>
    );
  }
  const done = c.req.query("done");
  const status = c.req.query("status") ?? "";
  const text = done === "saved"
    ? t("channels.saved")
    : done === "deleted"
    ? t("channels.deleted")
    : done === "tested"
    ? t("channels.testSent", { status: status.replace(/[^0-9]/g, "").slice(0, 3) })
    : done === "test-failed"
    ? t("channels.testFailed", { error: status.slice(0, 120) })
    : null;
  return text
    ? (
      <p
        class={done === "test-failed" ? "flash warning" : "flash"}
        role="status"
        data-testid="flash-done"
      >
        {text}
      </p>
    )
    : null;
}

app.get("/alerts", async (c) => {
  const { t, locale } = c.var;
  const bankId = await requestedBank(c);
  const alerts = bankId ? await listAlerts(c.var.db, { bankId }) : [];
  const back = bankId ? `/alerts?bank=${bankId}` : "/alerts";
  return renderPage(c, {
    title: t("alerts.title"),
    body: (
      <>
        <header class="page-head">
          <h1>
            {t("alerts.title")}
            {bankId && <span class="badge" data-testid="bank">{bankId}</span>}
          </h1>
          <p class="muted">{t("alerts.intro")}</p>
          {bankId && canManage(c) && (
            <p class="page-links">
              <a href={`/alerts/channels?bank=${bankId}`} data-testid="channels-link">
                {t("alerts.channelsLink")}
              </a>
            </p>
          )}
        </header>
        {flash(c)}
        {bankId
          ? (
            <section class="card">
              <AlertList alerts={alerts} t={t} locale={locale} back={back} showExperiment />
            </section>
          )
          : await bankPicker(c, "/alerts")}
      </>
    ),
  });
});

/** Only a path of this site's alert or experiment pages is a place to come back to. */
function backOf(value: unknown): string {
  return typeof value === "string" &&
      /^\/(alerts|experiments)(\/[\w-]*)?(\?bank=[\w-]{1,32})?$/.test(value)
    ? value
    : "/alerts";
}

app.post("/alerts/:id/ack", async (c) => {
  const form = await c.req.parseBody();
  const back = backOf(form.back);
  const id = c.req.param("id");
  const bankId = UUID.test(id) ? await alertBank(c.var.db, id) : null;
  if (!bankId || !inScope(c.var.scope, bankId)) {
    throw new AppError(404, "ALERT_NOT_FOUND", "No such alert", {}, { key: "error.api.noAlert" });
  }
  await ackAlert(c.var.db, id, currentUser(c).id, c.var.now());
  await audit(c, { action: "alert.ack", bankId, target: id });
  return c.redirect(back, 303);
});

app.get("/alerts/channels", async (c) => {
  const { t, locale } = c.var;
  const bankId = await requestedBank(c);
  const [channels, deliveries] = bankId
    ? await Promise.all([
      listChannels(c.var.db, bankId),
      listDeliveries(c.var.db, { bankId, limit: 20 }),
    ])
    : [[], []];
  return renderPage(c, {
    title: t("channels.title"),
    body: (
      <>
        <header class="page-head">
          <h1>
            {t("channels.title")}
            {bankId && <span class="badge" data-testid="bank">{bankId}</span>}
          </h1>
          <p class="muted">{t("channels.intro")}</p>
          <p class="page-links">
            <a href={bankId ? `/alerts?bank=${bankId}` : "/alerts"}>{t("alerts.title")}</a>
          </p>
        </header>
        {flash(c)}
        {bankId
          ? (
            <ChannelSettings
              bankId={bankId}
              channels={channels}
              deliveries={deliveries}
              t={t}
              locale={locale}
              canManage={canManage(c)}
            />
          )
          : await bankPicker(c, "/alerts/channels")}
      </>
    ),
  });
});

async function formBank(c: Ctx): Promise<string> {
  const bankId = await requestedBank(c);
  if (!bankId) throw badRequest("BANK_REQUIRED", 'Say which bank with "?bank="', BANK_REQUIRED);
  return bankId;
}

/** Runs a form action and comes back to the channel page with its outcome. */
async function channelAction(c: Ctx, action: (bankId: string) => Promise<string>) {
  let bankId: string;
  try {
    bankId = await formBank(c);
    const done = await action(bankId);
    return c.redirect(`/alerts/channels?bank=${bankId}&${done}`, 303);
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      const bank = c.req.query("bank") ?? "";
      const q = /^[\w-]{1,32}$/.test(bank) ? `bank=${bank}&` : "";
      return c.redirect(`/alerts/channels?${q}error=${encodeURIComponent(error.code)}`, 303);
    }
    throw error;
  }
}

app.post("/alerts/channels", (c) =>
  channelAction(c, async (bankId) => {
    const form = await c.req.parseBody({ all: true });
    const text = (name: string) => {
      const v = form[name];
      return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
    };
    const ticked = ([] as unknown[]).concat(form.events ?? []).filter((e) => typeof e === "string");
    // Every type the form offers ticked: all types, including those added later.
    const events = OFFERED_TYPES.every((m) => ticked.includes(m)) ? [] : ticked;
    const body = parseWith(newChannelSchema, {
      kind: text("kind"),
      url: text("url"),
      secret: text("secret"),
      name: text("name"),
      locale: text("locale"),
      events: events.length ? events : undefined,
    });
    await addChannel(c, bankId, body);
    return "done=saved";
  }));

async function channelIn(c: Ctx, bankId: string) {
  const id = c.req.param("id") ?? "";
  const channel = UUID.test(id) ? await getChannel(c.var.db, bankId, id) : null;
  if (!channel) {
    throw new AppError(404, "CHANNEL_NOT_FOUND", "No such notification channel", {}, {
      key: "error.api.noChannel",
    });
  }
  return channel;
}

app.post("/alerts/channels/:id/test", (c) =>
  channelAction(c, async (bankId) => {
    const result = await testChannel(c, await channelIn(c, bankId));
    const detail = result.status ?? result.error ?? "";
    return `done=${result.ok ? "tested" : "test-failed"}&status=${
      encodeURIComponent(String(result.ok ? detail : `${detail} ${result.answer}`).slice(0, 120))
    }`;
  }));

app.post("/alerts/channels/:id/delete", (c) =>
  channelAction(c, async (bankId) => {
    const channel = await channelIn(c, bankId);
    await c.var.db.transaction().execute(async (trx) => {
      await deleteChannel(trx, bankId, channel.id, c.var.now());
      await audit(c, {
        action: "notification_channel.delete",
        bankId,
        target: channel.id,
        details: { kind: channel.kind, url: channel.urlHint },
      }, trx);
    });
    return "done=deleted";
  }));

export default app;
