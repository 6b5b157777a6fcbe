import { type Context, Hono } from "hono";
import { DataTable } from "../../components/DataTable.tsx";
import { renderPage } from "../../components/render.tsx";
import { listBanks } from "../../db/banks.ts";
import { listSdkKeys } from "../../db/sdk_keys.ts";
import { AppError } from "../../lib/errors.ts";
import { formatDate } from "../../lib/i18n/mod.ts";
import { inScope } from "../../lib/scope.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { guardPage } from "../../plugins/session.ts";
import { parseWith } from "../../plugins/validate.ts";
import { createKeyAction, keyScope, newKeySchema, revokeKeyAction } from "../api/sdk_keys.ts";
import { field, Flash, formAction } from "./flash.tsx";

const app = new Hono<AppEnv>();
guardPage(app, "/admin/keys");

/** The keys page; `created` shows a new key once, right after it was made. */
async function keysPage(
  c: Context<AppEnv>,
  created?: { key: string; bankId: string },
  error?: string,
) {
  const { t, db, locale } = c.var;
  const scope = keyScope(c);
  const [keys, allBanks] = await Promise.all([listSdkKeys(db, scope), listBanks(db)]);
  const banks = allBanks.filter((b) => inScope(scope, b.id));
  return renderPage(c, {
    title: t("admin.keys.title"),
    status: error ? 400 : created ? 201 : 200,
    body: (
      <>
        <h1>{t("admin.keys.title")}</h1>
        <Flash c={c} />
        {error && <p class="flash warning" role="alert">{t("admin.failed")}: {error}</p>}
        {created && (
          <section class="card" data-testid="new-key">
            <h2>{t("admin.keys.created", { bank: created.bankId })}</h2>
            <p>
              <code class="secret">{created.key}</code>
            </p>
            <p class="warning">{t("admin.keys.shownOnce")}</p>
          </section>
        )}
        <DataTable
          rows={keys}
          rowKey={(k) => k.id}
          columns={[
            { header: t("admin.keys.prefix"), cell: (k) => <code>{k.prefix}…</code> },
            { header: t("admin.bank"), cell: (k) => k.bankId },
            { header: t("admin.keys.label"), cell: (k) => k.label },
            {
              header: t("admin.keys.createdAt"),
              cell: (k) => formatDate(locale, k.createdAt, true),
            },
            {
              header: t("admin.keys.lastUsed"),
              cell: (k) => k.lastUsedAt ? formatDate(locale, k.lastUsedAt, true) : "—",
            },
            {
              header: t("admin.status"),
              cell: (k) =>
                k.revokedAt
                  ? <span class="badge warning">{t("admin.keys.revoked")}</span>
                  : (
                    <form method="post" action={`/admin/keys/${k.id}/revoke`} class="inline">
                      <button type="submit">{t("admin.keys.revoke")}</button>
                    </form>
                  ),
            },
          ]}
        />
        <section class="card">
          <h2>{t("admin.keys.create")}</h2>
          <form method="post" action="/admin/keys" class="stack">
            <label>
              {t("admin.bank")}{" "}
              <select name="bankId" required>
                {banks.map((b) => <option key={b.id} value={b.id}>{b.id}</option>)}
              </select>
            </label>
            <label>
              {t("admin.keys.label")} <input type="text" name="label" maxLength={100} />
            </label>
            <button type="submit">{t("admin.keys.create")}</button>
          </form>
        </section>
      </>
    ),
  });
}

app.get("/admin/keys", (c) => keysPage(c));

app.post("/admin/keys", async (c) => {
  const form = await c.req.parseBody();
  try {
    const input = parseWith(newKeySchema, {
      bankId: field(form, "bankId") || undefined,
      label: field(form, "label"),
    });
    const key = await createKeyAction(c, input);
    return await keysPage(c, key);
  } catch (error) {
    if (error instanceof AppError && (error.status === 400 || error.status === 404)) {
      return await keysPage(c, undefined, error.code);
    }
    throw error;
  }
});

app.post("/admin/keys/:id/revoke", (c) =>
  formAction(c, "/admin/keys", "revoked", async () => {
    await revokeKeyAction(c, c.req.param("id"));
  }));

export default app;
