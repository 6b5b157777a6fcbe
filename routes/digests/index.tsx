/**
 * The digest pages (issue 18, part 4): `/digests?bank=` lists the bank's weekly and daily
 * digests and its time zone (growth users and admins can change it); `/digests/weekly` and
 * `/digests/daily` open the latest of that kind; `/digests/:id` shows one. Readers: admins,
 * growth users and executives of the bank.
 */
import { type Context, Hono } from "hono";
import { DigestView } from "../../components/digests/DigestView.tsx";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { BankPicker } from "../../components/BankPicker.tsx";
import { renderPage } from "../../components/render.tsx";
import { getBank } from "../../db/banks.ts";
import { type Digest, getDigest, latestDigest, listDigests } from "../../db/digests.ts";
import { bankTimeZone } from "../../db/schedules.ts";
import { AppError } from "../../lib/errors.ts";
import { formatInZone, SEND_HOUR } from "../../lib/digests/period.ts";
import { formatNumber } from "../../lib/i18n/mod.ts";
import { inScope } from "../../lib/scope.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { guardPage } from "../../plugins/session.ts";
import { canManage, choosableBanks, requestedBank, UUID } from "../alerts/_bank.ts";
import { saveTimeZone } from "./_settings.ts";

type Ctx = Context<AppEnv>;
const app = new Hono<AppEnv>();
guardPage(app, "/digests");

const notFound = () =>
  new AppError(404, "DIGEST_NOT_FOUND", "No such digest", {}, { key: "error.api.noDigest" });

function periodText(c: Ctx, d: Digest) {
  const lastDay = new Date(d.periodEnd.getTime() - 1);
  return c.var.t("digest.text.period", {
    from: formatInZone(c.var.locale, d.periodStart, d.timeZone, false),
    to: formatInZone(c.var.locale, lastDay, d.timeZone, false),
  });
}

function DigestTable({ c, digests }: { c: Ctx; digests: Digest[] }) {
  const t = c.var.t;
  if (digests.length === 0) {
    return <p class="muted" data-testid="digests-empty">{t("digest.none")}</p>;
  }
  const columns: Column<Digest>[] = [
    {
      header: t("digest.col.period"),
      cell: (d) => <a href={`/digests/${d.id}`} data-testid="digest-link">{d.label}</a>,
    },
    { header: t("digest.col.range"), cell: (d) => periodText(c, d) },
    {
      header: t("digest.col.alerts"),
      numeric: true,
      cell: (d) => formatNumber(c.var.locale, d.content.alerts.total),
    },
  ];
  return <DataTable testid="digest-list" columns={columns} rows={digests} rowKey={(d) => d.id} />;
}

/** Admins choose a bank first. */
async function pickBank(c: Ctx) {
  const { t, locale } = c.var;
  const banks = await choosableBanks(c);
  return renderPage(c, {
    title: t("digest.title"),
    body: (
      <>
        <h1>{t("digest.title")}</h1>
        <BankPicker
          {...{ t, locale, banks }}
          action="/digests"
          label="alerts.pickBank"
          submit="alerts.show"
        />
      </>
    ),
  });
}

app.get("/digests", async (c) => {
  const { t } = c.var;
  const bankId = await requestedBank(c);
  if (!bankId) return pickBank(c);
  const [digests, timeZone] = await Promise.all([
    listDigests(c.var.db, { bankId }),
    bankTimeZone(c.var.db, bankId),
  ]);
  const error = c.req.query("error");
  return renderPage(c, {
    title: t("digest.title"),
    body: (
      <>
        <header class="page-head">
          <h1>
            {t("digest.title")} <span class="badge" data-testid="bank">{bankId}</span>
          </h1>
          <p class="muted">{t("digest.intro", { hour: SEND_HOUR, zone: timeZone })}</p>
          <p class="page-links">
            {(["weekly", "daily"] as const).map((kind) => (
              <>
                <a href={`/digests/${kind}?bank=${encodeURIComponent(bankId)}`}>
                  {t(`digest.latest.${kind}`)}
                </a>
                {" "}
              </>
            ))}
          </p>
        </header>
        {error && (
          <p class="flash warning" role="alert" data-testid="flash-error">
            {t("schedule.error.TIME_ZONE_INVALID")}
          </p>
        )}
        <section class="card">
          <h2>{t("digest.kind.weekly")}</h2>
          <p class="muted small">{t("digest.kindIntro.weekly")}</p>
          <DigestTable c={c} digests={digests.filter((d) => d.kind === "weekly")} />
        </section>
        <section class="card">
          <h2>{t("digest.kind.daily")}</h2>
          <p class="muted small">{t("digest.kindIntro.daily")}</p>
          <DigestTable c={c} digests={digests.filter((d) => d.kind === "daily")} />
        </section>
        {canManage(c) && (
          <form
            method="post"
            action={`/digests/time-zone?bank=${encodeURIComponent(bankId)}`}
            class="card inline-form"
            data-testid="time-zone-form"
          >
            <label>
              {t("digest.timeZone")}{" "}
              <input name="timeZone" value={timeZone} required maxLength={64} />
            </label>{" "}
            <button type="submit">{t("digest.timeZoneSave")}</button>
            <p class="muted small">{t("digest.timeZoneHint")}</p>
          </form>
        )}
      </>
    ),
  });
});

app.post("/digests/time-zone", async (c) => {
  const bankId = await requestedBank(c);
  if (!bankId) return c.redirect("/digests", 303);
  const form = await c.req.parseBody();
  const back = `/digests?bank=${encodeURIComponent(bankId)}`;
  try {
    await saveTimeZone(c, bankId, typeof form.timeZone === "string" ? form.timeZone.trim() : "");
  } catch (error) {
    if (error instanceof AppError && error.status === 400) {
      return c.redirect(`${back}&error=${error.code}`, 303);
    }
    throw error;
  }
  return c.redirect(back, 303);
});

async function digestPage(c: Ctx, d: Digest) {
  const { t, locale } = c.var;
  const bank = await getBank(c.var.db, c.var.scope, d.bankId);
  const bankName = bank ? (locale === "en" ? bank.nameEn : bank.nameZh) : d.bankId;
  const title = t(`digest.title.${d.kind}`, { bank: bankName, label: d.label });
  return renderPage(c, {
    title,
    body: (
      <>
        <header class="page-head">
          <h1 data-testid="digest-title">{title}</h1>
          <p class="muted">
            {periodText(c, d)} · {d.timeZone} ·{" "}
            <a href={`/digests?bank=${encodeURIComponent(d.bankId)}`}>{t("digest.all")}</a>
          </p>
        </header>
        <DigestView
          content={d.content}
          bankId={d.bankId}
          timeZone={d.timeZone}
          t={t}
          locale={locale}
        />
      </>
    ),
  });
}

for (const kind of ["weekly", "daily"] as const) {
  app.get(`/digests/${kind}`, async (c) => {
    const bankId = await requestedBank(c);
    if (!bankId) return c.redirect("/digests", 303);
    const d = await latestDigest(c.var.db, bankId, kind);
    if (d) return digestPage(c, d);
    // None yet (the first is made at 09:00 in the bank's time zone): a page saying so.
    return renderPage(c, {
      title: c.var.t(`digest.latest.${kind}`),
      body: (
        <>
          <h1>{c.var.t(`digest.latest.${kind}`)}</h1>
          <p class="muted" data-testid="digests-empty">{c.var.t("digest.none")}</p>
          <p>
            <a href={`/digests?bank=${encodeURIComponent(bankId)}`}>{c.var.t("digest.all")}</a>
          </p>
        </>
      ),
    });
  });
}

app.get("/digests/:id", async (c) => {
  const id = c.req.param("id");
  const d = UUID.test(id) ? await getDigest(c.var.db, id) : null;
  if (!d || !inScope(c.var.scope, d.bankId)) throw notFound();
  return digestPage(c, d);
});

export default app;
