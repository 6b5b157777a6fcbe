import { type Context, Hono } from "hono";
import { renderPage } from "../../components/render.tsx";
import { listBanks } from "../../db/banks.ts";
import { listSdkKeys } from "../../db/sdk_keys.ts";
import { AppError } from "../../lib/errors.ts";
import { formatDate } from "../../lib/i18n/mod.ts";
import { inScope } from "../../lib/scope.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { guardPages, requireUser } from "../../plugins/session.ts";
import { parseWith } from "../../plugins/validate.ts";
import { createKeyAction, keyScope, newKeySchema, revokeKeyAction } from "../api/sdk_keys.ts";
import { field, Flash, formAction } from "./flash.tsx";

const app = new Hono<AppEnv>();
guardPages(app, "/admin/keys", requireUser());

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
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t("admin.keys.prefix")}</th>
              <th scope="col">{t("admin.bank")}</th>
              <th scope="col">{t("admin.keys.label")}</th>
              <th scope="col">{t("admin.keys.createdAt")}</th>
              <th scope="col">{t("admin.keys.lastUsed")}</th>
              <th scope="col">{t("admin.status")}</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.bankId}</td>
                <td>{k.label}</td>
                <td>{formatDate(locale, k.createdAt, true)}</td>
                <td>{k.lastUsedAt ? formatDate(locale, k.lastUsedAt, true) : "—"}</td>
                <td>
                  {k.revokedAt
                    ? <span class="badge warning">{t("admin.keys.revoked")}</span>
                    : (
                      <form method="post" action={`/admin/keys/${k.id}/revoke`} class="inline">
                        <button type="submit">{t("admin.keys.revoke")}</button>
                      </form>
                    )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
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
