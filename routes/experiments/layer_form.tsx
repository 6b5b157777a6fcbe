/**
 * The experiment page's layer and QA-unit card (issue 17): `experimentLayerSection(c, e)` shows
 * the layer range and the QA units (routes/experiments/detail.tsx), and
 * `POST /experiments/:key/forced` saves the QA units from its form — also while the experiment
 * runs (testers join during a test). A refusal comes back as `?forcedError=<CODE>`.
 */
import { type Context, Hono } from "hono";
import { forcedOf, forcedText } from "../../components/governance/LayerFields.tsx";
import { experimentHref } from "../../components/experiments/links.ts";
import type { Experiment } from "../../db/experiments.ts";
import { AppError } from "../../lib/errors.ts";
import { rangePercent } from "../../lib/governance/layers.ts";
import { formatNumber, keyFor } from "../../lib/i18n/mod.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { parseWith } from "../../plugins/validate.ts";
import { editDraft } from "../../db/experiment_commands.ts";
import { experimentPatchSchema } from "../../lib/experiments/schemas.ts";
import { asManager, canManage, experimentOf } from "./_service.ts";

type Ctx = Context<AppEnv>;

export function experimentLayerSection(c: Ctx, e: Experiment) {
  const { t, locale } = c.var;
  const editable = canManage(c) && (e.status === "draft" || e.status === "running");
  const pct = (n: number) => formatNumber(locale, n, { maximumFractionDigits: 2 });
  const code = c.req.query("forcedError")?.replace(/[^A-Z_]/g, "").slice(0, 40);
  const errorKey = code ? keyFor("error.code.", code) ?? "error.code.BAD_REQUEST" : null;
  const range = e.layer ? rangePercent(e.layer.range) : null;
  return (
    <section class="card" data-testid="layer-section">
      <h2>{t("layers.detail.title")}</h2>
      <p data-testid="layer-range">
        {e.layer && range
          ? (
            <a href={`/governance/layers?bank=${e.bankId}`}>
              {t("layers.detail.layer", {
                layer: e.layer.key,
                from: pct(range[0]),
                to: pct(range[1]),
              })}
            </a>
          )
          : t("layers.detail.noLayer")}
      </p>
      {e.forced.length === 0 ? <p class="muted">{t("layers.detail.noForced")}</p> : (
        <>
          <p>{t("layers.detail.forced", { n: e.forced.length })}</p>
          <ul class="forced-units" data-testid="forced-units">
            {e.forced.map((f) => (
              <li>
                <code>{f.unit}</code> → {f.variant}
              </li>
            ))}
          </ul>
        </>
      )}
      {editable && (
        <form method="post" action={experimentHref(e, "/forced")} data-testid="forced-form">
          {errorKey && <p class="errors" role="alert">{t(errorKey)}</p>}
          <label>
            {t("layers.form.forced")}
            <textarea name="forced" rows={3} placeholder="QA001, coupon">
              {forcedText(e.forced)}
            </textarea>
          </label>
          <p class="muted small">{t("layers.form.forcedHint")}</p>
          <button type="submit">{t("layers.form.forcedSave")}</button>
        </form>
      )}
    </section>
  );
}

const app = new Hono<AppEnv>();

app.post("/experiments/:key/forced", async (c) => {
  const e = await experimentOf(c);
  const form = await c.req.parseBody();
  const text = typeof form.forced === "string" ? form.forced : "";
  try {
    const patch = parseWith(experimentPatchSchema, { forced: forcedOf(text) });
    await editDraft(c.var.db, asManager(c), { experiment: e, patch, now: c.var.now() });
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500 || error.status === 403) throw error;
    return c.redirect(`${experimentHref(e)}&forcedError=${error.code}#layer`, 303);
  }
  return c.redirect(experimentHref(e), 303);
});

export default app;
