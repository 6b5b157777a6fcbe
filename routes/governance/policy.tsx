/**
 * The contact policy pages (issue 17), for admins (choosing the bank) and growth users:
 *
 * - `/governance/policy`: the policy form — caps, quiet hours, the global holdout, retention —
 *   with what a policy would have done to the last 30 days' contacts. The form's "preview"
 *   button replays the values typed (nothing saved); "save" stores them (the same rules, codes
 *   and audit as `PUT /api/contact-policy`) and comes back with `?done=saved`.
 * - `/governance/pressure`: contacts per customer per channel over 7 and 30 days, the customers
 *   at each cap, and the share capped by campaign.
 */
import { type Context, Hono } from "hono";
import { BankPicker } from "../../components/BankPicker.tsx";
import { DataTable } from "../../components/DataTable.tsx";
import { renderPage } from "../../components/render.tsx";
import {
  campaignNames,
  contactsBetween,
  getContactPolicy,
  reasonCountsByCampaign,
  type StoredPolicy,
} from "../../db/contact_policies.ts";
import { AppError, messageIn } from "../../lib/errors.ts";
import { MAX_CAP, MAX_WINDOW_HOURS } from "../../lib/governance/contact_policy.ts";
import { capReach, pressure, type Spread, type WhatIf } from "../../lib/governance/replay.ts";
import { CHANNELS } from "../../lib/experiments/settings.ts";
import { CONTACT_CHANNELS } from "../../lib/governance/policy.ts";
import { formatDate, formatNumber, formatPercent, type Translate } from "../../lib/i18n/mod.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { guardPage } from "../../plugins/session.ts";
import { choosableBanks, requestedBank } from "../alerts/_bank.ts";
import { changePolicy, parsePolicy, WHAT_IF_DAYS, whatIf } from "../api/contact_policy.ts";

type Ctx = Context<AppEnv>;
const app = new Hono<AppEnv>();
guardPage(app, "/governance/policy");
guardPage(app, "/governance/pressure");

/** Cap rows the form offers (empty rows are not saved). */
const CAP_ROWS = 5;

const channelName = (t: Translate, channel: string) =>
  channel === "*"
    ? t("contactPolicy.channel.*")
    : (CHANNELS as readonly string[]).includes(channel)
    ? t(`loop.channel.${channel as (typeof CHANNELS)[number]}`)
    : channel;

/** The form's values, as typed (strings), so a refused form comes back as it was. */
interface FormValues {
  caps: Array<{ channel: string; max: string; windowHours: string }>;
  quietOn: boolean;
  quiet: { start: string; end: string; timeZone: string; channels: string[] };
  holdoutPercent: string;
  retentionDays: string;
}

function valuesOf(p: StoredPolicy): FormValues {
  return {
    caps: p.caps.map((cap) => ({
      channel: cap.channel,
      max: String(cap.max),
      windowHours: String(cap.windowHours),
    })),
    quietOn: p.quietHours !== null,
    quiet: p.quietHours
      ? { ...p.quietHours, channels: [...p.quietHours.channels] }
      : { start: "21:00", end: "08:00", timeZone: "Asia/Shanghai", channels: ["sms"] },
    holdoutPercent: p.holdout === null ? "" : String(p.holdout.percent),
    retentionDays: p.retentionDays === null ? "" : String(p.retentionDays),
  };
}

function formValues(form: Record<string, string | File | (string | File)[]>): FormValues {
  const text = (name: string) => {
    const v = form[name];
    return typeof v === "string" ? v.trim() : "";
  };
  const list = (name: string) => {
    const v = form[name];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v])
      .filter((x): x is string => typeof x === "string");
  };
  const caps = [];
  for (let i = 0; i < CAP_ROWS; i++) {
    caps.push({
      channel: text(`cap_channel_${i}`),
      max: text(`cap_max_${i}`),
      windowHours: text(`cap_window_${i}`),
    });
  }
  return {
    caps,
    quietOn: text("quiet_on") === "1",
    quiet: {
      start: text("quiet_start"),
      end: text("quiet_end"),
      timeZone: text("quiet_time_zone"),
      channels: list("quiet_channels"),
    },
    holdoutPercent: text("holdout_percent"),
    retentionDays: text("retention_days"),
  };
}

/** A typed number stays text when it is not one, so the rules refuse it with their code. */
const numberOf = (text: string): number | string => {
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : text;
};

/** The API body the form stands for. */
function bodyOf(v: FormValues) {
  return {
    caps: v.caps.filter((cap) => cap.channel !== "" || cap.max !== "" || cap.windowHours !== "")
      .map((cap) => ({
        channel: cap.channel,
        max: numberOf(cap.max),
        windowHours: numberOf(cap.windowHours),
      })),
    quietHours: v.quietOn ? { ...v.quiet } : null,
    holdout: v.holdoutPercent === "" ? null : { percent: numberOf(v.holdoutPercent) },
    retentionDays: v.retentionDays === "" ? null : numberOf(v.retentionDays),
  };
}

async function bankPicker(c: Ctx, action: string) {
  const { t, locale } = c.var;
  const banks = await choosableBanks(c);
  return (
    <BankPicker
      {...{ t, locale, action, banks }}
      label="contactPolicy.pickBank"
      submit="contactPolicy.show"
    />
  );
}

function Tabs({ c, bankId, here }: { c: Ctx; bankId: string; here: "policy" | "pressure" }) {
  const t = c.var.t;
  const q = `?bank=${encodeURIComponent(bankId)}`;
  return (
    <p class="muted" data-testid="governance-tabs">
      {here === "policy"
        ? <strong>{t("contactPolicy.tab.policy")}</strong>
        : <a href={`/governance/policy${q}`}>{t("contactPolicy.tab.policy")}</a>}
      {" · "}
      {here === "pressure"
        ? <strong>{t("contactPolicy.tab.pressure")}</strong>
        : <a href={`/governance/pressure${q}`}>{t("contactPolicy.tab.pressure")}</a>}
    </p>
  );
}

function PolicyForm({ c, bankId, v, stored }: {
  c: Ctx;
  bankId: string;
  v: FormValues;
  stored: StoredPolicy;
}) {
  const t = c.var.t;
  const rows = [...v.caps];
  while (rows.length < CAP_ROWS) rows.push({ channel: "", max: "", windowHours: "" });
  return (
    <form
      method="post"
      action={`/governance/policy?bank=${encodeURIComponent(bankId)}`}
      class="card"
      data-testid="policy-form"
    >
      <h2>{t("contactPolicy.caps")}</h2>
      <p class="muted small">{t("contactPolicy.capsHint")}</p>
      <table class="data" data-testid="cap-rows">
        <thead>
          <tr>
            <th>{t("contactPolicy.cap.channel")}</th>
            <th>{t("contactPolicy.cap.max")}</th>
            <th>{t("contactPolicy.cap.windowHours")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, CAP_ROWS).map((cap, i) => (
            <tr>
              <td data-label={t("contactPolicy.cap.channel")}>
                <select name={`cap_channel_${i}`} aria-label={t("contactPolicy.cap.channel")}>
                  <option value="" selected={cap.channel === ""}>
                    {t("contactPolicy.cap.none")}
                  </option>
                  <option value="*" selected={cap.channel === "*"}>
                    {t("contactPolicy.cap.all")}
                  </option>
                  {CONTACT_CHANNELS.map((ch) => (
                    <option value={ch} selected={cap.channel === ch}>{channelName(t, ch)}</option>
                  ))}
                </select>
              </td>
              <td data-label={t("contactPolicy.cap.max")}>
                <input
                  name={`cap_max_${i}`}
                  type="number"
                  min={1}
                  max={MAX_CAP}
                  step={1}
                  value={cap.max}
                  aria-label={t("contactPolicy.cap.max")}
                />
              </td>
              <td data-label={t("contactPolicy.cap.windowHours")}>
                <input
                  name={`cap_window_${i}`}
                  type="number"
                  min={1}
                  max={MAX_WINDOW_HOURS}
                  step={1}
                  value={cap.windowHours}
                  aria-label={t("contactPolicy.cap.windowHours")}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">{t("contactPolicy.windowHint")}</p>

      <h2>{t("contactPolicy.quiet")}</h2>
      <p class="muted small">{t("contactPolicy.quietHint")}</p>
      <div class="form-row">
        <label class="check">
          <input type="checkbox" name="quiet_on" value="1" checked={v.quietOn} />{" "}
          {t("contactPolicy.quietOn")}
        </label>
      </div>
      <div class="form-row">
        <label>
          {t("contactPolicy.quiet.start")}
          <input name="quiet_start" value={v.quiet.start} placeholder="21:00" maxLength={16} />
        </label>
        <label>
          {t("contactPolicy.quiet.end")}
          <input name="quiet_end" value={v.quiet.end} placeholder="08:00" maxLength={16} />
        </label>
        <label>
          {t("contactPolicy.quiet.timeZone")}
          <input name="quiet_time_zone" value={v.quiet.timeZone} maxLength={64} />
        </label>
      </div>
      <fieldset class="form-row">
        <legend>{t("contactPolicy.quiet.channels")}</legend>
        {CONTACT_CHANNELS.map((ch) => (
          <label class="check">
            <input
              type="checkbox"
              name="quiet_channels"
              value={ch}
              checked={v.quiet.channels.includes(ch)}
            />{" "}
            {channelName(t, ch)}
          </label>
        ))}
      </fieldset>

      <h2>{t("contactPolicy.holdout")}</h2>
      <p class="muted small">{t("contactPolicy.holdoutHint")}</p>
      {stored.holdout && (
        <p class="small" data-testid="holdout-since">
          {t("contactPolicy.holdout.since", {
            at: formatDate(c.var.locale, stored.holdout.startedAt, true),
            percent: formatNumber(c.var.locale, stored.holdout.percent, {
              maximumFractionDigits: 2,
            }),
          })}
        </p>
      )}
      <div class="form-row">
        <label>
          {t("contactPolicy.holdout.percent")}
          <input
            name="holdout_percent"
            type="number"
            min={0}
            max={50}
            step="any"
            value={v.holdoutPercent}
          />
        </label>
      </div>

      <h2>{t("contactPolicy.retention")}</h2>
      <p class="muted small">{t("contactPolicy.retentionHint")}</p>
      <div class="form-row">
        <label>
          {t("contactPolicy.retention")}
          <input
            name="retention_days"
            type="number"
            min={1}
            max={3650}
            step={1}
            value={v.retentionDays}
          />
        </label>
      </div>
      <p>
        <button type="submit" name="action" value="preview" class="secondary">
          {t("contactPolicy.preview")}
        </button>{" "}
        <button type="submit" name="action" value="save">{t("contactPolicy.save")}</button>
      </p>
    </form>
  );
}

function CountsTable({ c, rows, first, testid }: {
  c: Ctx;
  rows: Array<{ label: string; contacts: number; capped: number; quiet: number; kept: number }>;
  first: string;
  testid: string;
}) {
  const { t, locale } = c.var;
  const n = (x: number) => formatNumber(locale, x);
  return (
    <DataTable
      testid={testid}
      rows={rows}
      columns={[
        { header: first, cell: (r) => r.label },
        { header: t("contactPolicy.col.contacts"), numeric: true, cell: (r) => n(r.contacts) },
        { header: t("contactPolicy.col.capped"), numeric: true, cell: (r) => n(r.capped) },
        { header: t("contactPolicy.col.quiet"), numeric: true, cell: (r) => n(r.quiet) },
        { header: t("contactPolicy.col.kept"), numeric: true, cell: (r) => n(r.kept) },
      ]}
    />
  );
}

function campaignLabel(
  t: Translate,
  names: Map<string, { name: string }>,
  campaignId: string | null,
  channel: string,
) {
  const name = campaignId === null
    ? t("contactPolicy.noCampaign")
    : names.get(campaignId)?.name ?? campaignId;
  return `${name} · ${channelName(t, channel)}`;
}

function WhatIfCard({ c, result, names, proposed }: {
  c: Ctx;
  result: WhatIf;
  names: Map<string, { name: string }>;
  proposed: boolean;
}) {
  const { t, locale } = c.var;
  const n = (x: number) => formatNumber(locale, x);
  return (
    <section class="card" data-testid="what-if">
      <h2>{t("contactPolicy.whatIf")}</h2>
      <p>{t(proposed ? "contactPolicy.whatIf.proposed" : "contactPolicy.whatIf.current")}</p>
      {result.total.contacts === 0
        ? <p class="muted" data-testid="what-if-none">{t("contactPolicy.whatIf.none")}</p>
        : (
          <>
            <p data-testid="what-if-summary">
              <strong>
                {t("contactPolicy.whatIf.summary", {
                  customers: n(result.customers),
                  contacts: n(result.total.contacts),
                  capped: n(result.total.capped),
                  quiet: n(result.total.quiet),
                  kept: n(result.total.kept),
                })}
              </strong>
            </p>
            <CountsTable
              c={c}
              testid="what-if-channels"
              first={t("contactPolicy.col.channel")}
              rows={result.byChannel.map((r) => ({ ...r, label: channelName(t, r.channel) }))}
            />
            <CountsTable
              c={c}
              testid="what-if-campaigns"
              first={t("contactPolicy.col.campaign")}
              rows={result.byCampaign.map((r) => ({
                ...r,
                label: campaignLabel(t, names, r.campaignId, r.channel),
              }))}
            />
          </>
        )}
      <p class="muted small">{t("contactPolicy.whatIf.source")}</p>
    </section>
  );
}

async function policyPage(
  c: Ctx,
  form?: { values: FormValues; error?: string; preview?: boolean },
) {
  const { t, locale } = c.var;
  const bankId = await requestedBank(c);
  const title = t("contactPolicy.title");
  if (!bankId) {
    return renderPage(c, {
      title,
      body: (
        <>
          <header class="page-head">
            <h1>{title}</h1>
            <p class="muted">{t("contactPolicy.intro")}</p>
          </header>
          {await bankPicker(c, "/governance/policy")}
        </>
      ),
    });
  }
  const stored = await getContactPolicy(c.var.db, bankId);
  const values = form?.values ?? valuesOf(stored);
  let result: WhatIf | null = null;
  if (!form?.error) {
    const policy = form?.preview ? parsePolicy(bodyOf(values)) : stored;
    result = await whatIf(c.var.db, bankId, policy, c.var.now());
  }
  const names = await campaignNames(c.var.db, bankId);
  return renderPage(c, {
    title,
    status: form?.error ? 400 : 200,
    body: (
      <>
        <header class="page-head">
          <h1>
            {title} <span class="badge" data-testid="bank">{bankId}</span>
          </h1>
          <p class="muted">{t("contactPolicy.intro")}</p>
          <Tabs c={c} bankId={bankId} here="policy" />
        </header>
        {c.req.query("done") === "saved" && (
          <p class="flash" role="status" data-testid="flash-done">{t("contactPolicy.saved")}</p>
        )}
        {form?.error && (
          <p class="flash warning" role="alert" data-testid="flash-error">{form.error}</p>
        )}
        <p class="muted" data-testid="policy-updated">
          {stored.updatedAt
            ? t("contactPolicy.updated", {
              who: stored.updatedBy ?? "—",
              at: formatDate(locale, stored.updatedAt, true),
            })
            : t("contactPolicy.neverSet")}
        </p>
        {result && (
          <WhatIfCard c={c} result={result} names={names} proposed={form?.preview ?? false} />
        )}
        <PolicyForm c={c} bankId={bankId} v={values} stored={stored} />
      </>
    ),
  });
}

app.get("/governance/policy", (c) => policyPage(c));

app.post("/governance/policy", async (c) => {
  const bankId = await requestedBank(c);
  if (!bankId) throw new AppError(400, "BANK_REQUIRED", 'Say which bank with "?bank="');
  const form = await c.req.parseBody({ all: true });
  const values = formValues(form);
  const preview = form.action === "preview";
  try {
    const input = parsePolicy(bodyOf(values));
    if (preview) return await policyPage(c, { values, preview: true });
    await changePolicy(c, bankId, input);
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    return await policyPage(c, { values, error: messageIn(error, c.var.t) });
  }
  return c.redirect(`/governance/policy?bank=${encodeURIComponent(bankId)}&done=saved`, 303);
});

function SpreadCells({ c, s, label }: { c: Ctx; s: Spread; label: string }) {
  const { t, locale } = c.var;
  const n = (x: number, digits = 0) => formatNumber(locale, x, { maximumFractionDigits: digits });
  return (
    <>
      <td class="num" data-label={`${label} · ${t("pressure.col.customers")}`}>{n(s.customers)}</td>
      <td class="num" data-label={`${label} · ${t("pressure.col.mean")}`}>{n(s.mean, 2)}</td>
      <td class="num" data-label={`${label} · ${t("pressure.col.median")}`}>{n(s.median)}</td>
      <td class="num" data-label={`${label} · ${t("pressure.col.p90")}`}>{n(s.p90)}</td>
      <td class="num" data-label={`${label} · ${t("pressure.col.max")}`}>{n(s.max)}</td>
    </>
  );
}

app.get("/governance/pressure", async (c) => {
  const { t, locale } = c.var;
  const title = t("pressure.title");
  const bankId = await requestedBank(c);
  if (!bankId) {
    return renderPage(c, {
      title,
      body: (
        <>
          <header class="page-head">
            <h1>{title}</h1>
            <p class="muted">{t("pressure.intro")}</p>
          </header>
          {await bankPicker(c, "/governance/pressure")}
        </>
      ),
    });
  }
  const now = c.var.now();
  const from = new Date(now.getTime() - WHAT_IF_DAYS * 86_400_000);
  const [stored, contacts, names, reasons] = await Promise.all([
    getContactPolicy(c.var.db, bankId),
    contactsBetween(c.var.db, bankId, from, now),
    campaignNames(c.var.db, bankId),
    reasonCountsByCampaign(c.var.db, bankId),
  ]);
  // The cap windows may reach further back than 30 days.
  const longest = Math.max(0, ...stored.caps.map((cap) => cap.windowHours)) * 3_600_000;
  const capContacts = longest > WHAT_IF_DAYS * 86_400_000
    ? await contactsBetween(c.var.db, bankId, new Date(now.getTime() - longest), now)
    : contacts;
  const rows = pressure(contacts, now);
  const reach = capReach(stored.caps, capContacts, now);
  const counted = [...reasons.values()].some((r) =>
    (r.get("frequency_capped") ?? 0) > 0 ||
    (r.get("assigned") ?? 0) > 0
  );
  const byCampaign = counted
    ? [...reasons.entries()].map(([campaignId, r]) => {
      const capped = r.get("frequency_capped") ?? 0;
      const answers = capped + (r.get("assigned") ?? 0);
      const channel = campaignId === null ? "" : names.get(campaignId)?.channel ?? "";
      return { campaignId, channel, answers, capped };
    }).filter((r) => r.answers > 0)
    : (await whatIf(c.var.db, bankId, stored, now)).byCampaign.map((r) => ({
      campaignId: r.campaignId,
      channel: r.channel,
      answers: r.contacts,
      capped: r.capped,
    }));
  const n = (x: number) => formatNumber(locale, x);
  return renderPage(c, {
    title,
    body: (
      <>
        <header class="page-head">
          <h1>
            {title} <span class="badge" data-testid="bank">{bankId}</span>
          </h1>
          <p class="muted">{t("pressure.intro")}</p>
          <Tabs c={c} bankId={bankId} here="pressure" />
        </header>
        <section class="card">
          <h2>{t("pressure.perChannel")}</h2>
          {contacts.length === 0
            ? <p class="muted" data-testid="pressure-none">{t("pressure.none")}</p>
            : (
              <table class="data" data-testid="pressure-table">
                <thead>
                  <tr>
                    <th rowSpan={2}>{t("contactPolicy.col.channel")}</th>
                    <th colSpan={5}>{t("pressure.days7")}</th>
                    <th colSpan={5}>{t("pressure.days30")}</th>
                  </tr>
                  <tr>
                    {[0, 1].map(() => (
                      <>
                        <th class="num">{t("pressure.col.customers")}</th>
                        <th class="num">{t("pressure.col.mean")}</th>
                        <th class="num">{t("pressure.col.median")}</th>
                        <th class="num">{t("pressure.col.p90")}</th>
                        <th class="num">{t("pressure.col.max")}</th>
                      </>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr data-channel={r.channel}>
                      <td data-label={t("contactPolicy.col.channel")}>
                        {channelName(t, r.channel)}
                      </td>
                      <SpreadCells c={c} s={r.days7} label={t("pressure.days7")} />
                      <SpreadCells c={c} s={r.days30} label={t("pressure.days30")} />
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
        </section>
        <section class="card">
          <h2>{t("pressure.caps")}</h2>
          {reach.length === 0 ? <p class="muted">{t("pressure.capsNone")}</p> : (
            <DataTable
              testid="cap-reach"
              rows={reach}
              columns={[
                {
                  header: t("pressure.col.cap"),
                  cell: (r) =>
                    t("pressure.capText", {
                      channel: channelName(t, r.cap.channel),
                      max: n(r.cap.max),
                      hours: n(r.cap.windowHours),
                    }),
                },
                { header: t("pressure.col.reached"), numeric: true, cell: (r) => n(r.customers) },
                { header: t("pressure.col.atCap"), numeric: true, cell: (r) => n(r.atCap) },
                {
                  header: t("pressure.col.share"),
                  numeric: true,
                  cell: (r) => formatPercent(locale, r.customers ? r.atCap / r.customers : null),
                },
              ]}
            />
          )}
        </section>
        <section class="card">
          <h2>{t("pressure.byCampaign")}</h2>
          <p class="muted small">{t(counted ? "pressure.fromCounts" : "pressure.fromReplay")}</p>
          {byCampaign.length === 0 ? <p class="muted">{t("pressure.none")}</p> : (
            <DataTable
              testid="capped-by-campaign"
              rows={byCampaign}
              columns={[
                {
                  header: t("contactPolicy.col.campaign"),
                  cell: (r) => campaignLabel(t, names, r.campaignId, r.channel),
                },
                { header: t("pressure.col.answers"), numeric: true, cell: (r) => n(r.answers) },
                { header: t("contactPolicy.col.capped"), numeric: true, cell: (r) => n(r.capped) },
                {
                  header: t("pressure.col.cappedShare"),
                  numeric: true,
                  cell: (r) => formatPercent(locale, r.answers ? r.capped / r.answers : null),
                },
              ]}
            />
          )}
        </section>
      </>
    ),
  });
});

export default app;
