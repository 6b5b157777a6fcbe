import { Hono } from "hono";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { renderPage } from "../../components/render.tsx";
import { type AuditRecord, listAudit, listAuditActions } from "../../db/audit.ts";
import { listBanks } from "../../db/banks.ts";
import { invalidText } from "../../lib/errors.ts";
import { formatDate, keyFor, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { textProblem } from "../../lib/text.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { guardPage } from "../../plugins/session.ts";

const PAGE_SIZE = 50;

/** An action code in the reader's words (the code stays in the filter's value). */
function actionName(t: Translate, action: string): string {
  const key = keyFor("audit.action.", action);
  return key ? t(key) : action;
}

/** A details field's name: the audit's own words, or the form's label of that setting. */
function detailName(t: Translate, name: string): string {
  const key = keyFor("audit.detail.", name) ?? keyFor("field.", name);
  return key ? t(key, { n: "" }).trim() : name;
}

/**
 * An entry's details as name/value pairs (nested settings as nested pairs), values as data:
 * never a line of raw JSON.
 */
function Details(props: { t: Translate; value: unknown; depth?: number }) {
  const { t, value } = props;
  const depth = props.depth ?? 0;
  if (value === null || value === undefined || value === "") return <>{t("audit.empty")}</>;
  if (typeof value === "boolean") return <>{t(value ? "audit.yes" : "audit.no")}</>;
  if (typeof value !== "object") return <span data-i18n-skip>{String(value)}</span>;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== "object" || v === null)) {
      return <span data-i18n-skip>{value.map(String).join(", ")}</span>;
    }
    return (
      <ol class="plain audit-list">
        {value.map((item, i) => (
          <li key={i}>
            <Details t={t} value={item} depth={depth + 1} />
          </li>
        ))}
      </ol>
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return <>{t("audit.empty")}</>;
  if (depth > 3) return <span data-i18n-skip>{JSON.stringify(value)}</span>;
  return (
    <dl class="facts audit-details">
      {entries.map(([name, v]) => (
        <>
          <dt key={`${name}-name`}>{detailName(t, name)}</dt>
          <dd key={`${name}-value`}>
            <Details t={t} value={v} depth={depth + 1} />
          </dd>
        </>
      ))}
    </dl>
  );
}
/** The audit table's columns; actors, banks and targets are data, not text to translate. */
function auditColumns(t: Translate, locale: Locale): Column<AuditRecord>[] {
  const skip = () => ({ "data-i18n-skip": "" });
  return [
    { header: t("admin.audit.at"), cell: (e) => formatDate(locale, e.at, true) },
    {
      header: t("admin.audit.actor"),
      cellProps: skip,
      cell: (e) => e.actor === "system" ? t("audit.system") : e.actor,
    },
    { header: t("admin.bank"), cellProps: skip, cell: (e) => e.bankId ?? "—" },
    {
      header: t("admin.audit.action"),
      cellProps: (e) => ({ "data-action": e.action }),
      cell: (e) => actionName(t, e.action),
    },
    { header: t("admin.audit.target"), cellProps: skip, cell: (e) => e.target },
    {
      header: t("admin.audit.details"),
      cellProps: () => ({ class: "small" }),
      cell: (e) => <Details t={t} value={e.details} />,
    },
  ];
}

const app = new Hono<AppEnv>();
guardPage(app, "/admin/audit");

/** The audit log, newest first, 50 a page, filtered by bank and action. */
app.get("/admin/audit", async (c) => {
  const { t, db, locale } = c.var;
  for (const name of ["bank", "action"]) {
    const problem = textProblem(c.req.query(name) ?? "");
    if (problem) throw invalidText(name, problem);
  }
  const bank = (c.req.query("bank") ?? "").slice(0, 32);
  const action = (c.req.query("action") ?? "").slice(0, 64);
  const page = Math.min(Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1), 100_000);
  const [{ entries, total }, banks, actions] = await Promise.all([
    listAudit(db, {
      bankId: bank || undefined,
      action: action || undefined,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    }),
    listBanks(db),
    listAuditActions(db),
  ]);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const link = (p: number) =>
    `/admin/audit?${new URLSearchParams({ bank, action, page: String(p) })}`;
  return renderPage(c, {
    title: t("admin.audit.title"),
    body: (
      <>
        <h1>{t("admin.audit.title")}</h1>
        <form method="get" action="/admin/audit" class="inline filters">
          <label>
            {t("admin.bank")}{" "}
            <select name="bank">
              <option value="">{t("admin.audit.all")}</option>
              {banks.map((b) => (
                <option key={b.id} value={b.id} selected={b.id === bank}>{b.id}</option>
              ))}
            </select>
          </label>
          <label>
            {t("admin.audit.action")}{" "}
            <select name="action">
              <option value="">{t("admin.audit.all")}</option>
              {actions.map((a) => (
                <option key={a} value={a} selected={a === action}>{actionName(t, a)}</option>
              ))}
            </select>
          </label>
          <button type="submit">{t("admin.audit.filter")}</button>
        </form>
        <p class="muted">{t("admin.audit.count", { count: total })}</p>
        <div class="table-scroll">
          <DataTable
            class="audit"
            testid="audit-table"
            columns={auditColumns(t, locale)}
            rows={entries}
            rowKey={(e) => e.id}
          />
        </div>
        <nav class="pager" aria-label={t("admin.audit.pages")}>
          {page > 1 && <a href={link(page - 1)} rel="prev">{t("admin.audit.newer")}</a>}
          <span>{t("admin.audit.page", { page, pages })}</span>
          {page < pages && <a href={link(page + 1)} rel="next">{t("admin.audit.older")}</a>}
        </nav>
      </>
    ),
  });
});

export default app;
