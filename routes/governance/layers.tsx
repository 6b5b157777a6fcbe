/**
 * `/governance/layers` (issue 17): the bank's mutual-exclusion layers, each a bar from 0 to
 * 100 % with its experiments' ranges, and a form to create one (growth users and admins). The
 * form posts and comes back (Post/Redirect/Get) with `?done=<key>`, or shows the refusal.
 */
import { type Context, Hono } from "hono";
import { LayerBar } from "../../components/governance/LayerBar.tsx";
import { BankPicker } from "../../components/BankPicker.tsx";
import { renderPage } from "../../components/render.tsx";
import { listLayers } from "../../db/layers.ts";
import { AppError, messageIn } from "../../lib/errors.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { guardPage } from "../../plugins/session.ts";
import { parseWith } from "../../plugins/validate.ts";
import { canManage, choosableBanks, requestedBank } from "../alerts/_bank.ts";
import { createLayerAudited, newLayerSchema } from "../api/layers.ts";

type Ctx = Context<AppEnv>;
const app = new Hono<AppEnv>();
guardPage(app, "/governance/layers");

async function bankPicker(c: Ctx) {
  const { t, locale } = c.var;
  const banks = await choosableBanks(c);
  return (
    <BankPicker
      {...{ t, locale, banks }}
      action="/governance/layers"
      label="layers.pickBank"
      submit="alerts.show"
    />
  );
}

function CreateForm(
  { c, bankId, fields, error }: {
    c: Ctx;
    bankId: string;
    fields: { key: string; name: string };
    error?: string;
  },
) {
  const t = c.var.t;
  return (
    <form
      method="post"
      action={`/governance/layers?bank=${bankId}`}
      class="card"
      data-testid="layer-form"
    >
      <h2>{t("layers.create.title")}</h2>
      {error && <p class="errors" role="alert">{error}</p>}
      <div class="form-row">
        <label>
          {t("layers.create.key")}
          <input
            type="text"
            name="key"
            required
            pattern="[a-z0-9][a-z0-9\-]{0,63}"
            value={fields.key}
          />
        </label>
        <label>
          {t("layers.create.name")}
          <input type="text" name="name" required maxLength={100} value={fields.name} />
        </label>
      </div>
      <p class="muted small">{t("layers.create.keyHint")}</p>
      <button type="submit">{t("layers.create.submit")}</button>
    </form>
  );
}

async function page(c: Ctx, form?: { fields: { key: string; name: string }; error: string }) {
  const { t, locale } = c.var;
  const bankId = await requestedBank(c);
  const layers = bankId ? await listLayers(c.var.db, bankId) : [];
  const done = c.req.query("done");
  return renderPage(c, {
    title: t("layers.title"),
    status: form ? 400 : 200,
    body: (
      <>
        <header class="page-head">
          <h1>
            {t("layers.title")}
            {bankId && <span class="badge" data-testid="bank">{bankId}</span>}
          </h1>
          <p class="muted">{t("layers.intro")}</p>
        </header>
        {done && layers.some((l) => l.key === done) && (
          <p class="flash" role="status" data-testid="flash-done">
            {t("layers.create.done", { layer: done })}
          </p>
        )}
        {!bankId ? await bankPicker(c) : (
          <>
            {layers.length === 0 && <p class="card muted">{t("layers.empty")}</p>}
            {layers.map((layer) => (
              <section class="card" data-testid="layer">
                <h2>
                  {layer.name} <span class="badge">{layer.key}</span>
                </h2>
                <LayerBar layer={layer} t={t} locale={locale} />
              </section>
            ))}
            {canManage(c)
              ? (
                <CreateForm
                  c={c}
                  bankId={bankId}
                  fields={form?.fields ?? { key: "", name: "" }}
                  error={form?.error}
                />
              )
              : <p class="muted">{t("layers.readOnly")}</p>}
          </>
        )}
      </>
    ),
  });
}

app.get("/governance/layers", (c) => page(c));

app.post("/governance/layers", async (c) => {
  const bankId = await requestedBank(c);
  if (!bankId || !canManage(c)) throw new AppError(403, "FORBIDDEN", "Not allowed");
  const form = await c.req.parseBody();
  const fields = {
    key: typeof form.key === "string" ? form.key.trim() : "",
    name: typeof form.name === "string" ? form.name : "",
  };
  try {
    await createLayerAudited(c, bankId, parseWith(newLayerSchema, fields));
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    return await page(c, { fields, error: messageIn(error, c.var.t) });
  }
  return c.redirect(`/governance/layers?bank=${bankId}&done=${fields.key}`, 303);
});

export default app;
