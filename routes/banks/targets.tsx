import { Hono } from "hono";
import type { Context } from "hono";
import { DataTable } from "../../components/DataTable.tsx";
import { type Bank, getBank } from "../../db/banks.ts";
import { getTarget } from "../../db/targets.ts";
import { nameOf } from "../../components/lens/names.ts";
import { renderPage } from "../../components/render.tsx";
import {
  AppError,
  forbidden,
  messageIn,
  NO_BANK,
  notFound,
  ROLE_TARGETS,
} from "../../lib/errors.ts";
import { MODEL } from "../../lib/lens/model.ts";
import type { LensTarget } from "../../lib/lens/targets.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { canSetTarget, clearTarget, setTarget } from "../api/targets.ts";

const app = new Hono<AppEnv>();

type FormState = { targetDate: string; note: string; rows: Record<string, [string, string]> };

async function bankFor(c: Context<AppEnv>): Promise<Bank> {
  const bank = await getBank(c.var.db, c.var.scope, c.req.param("id") ?? "");
  if (!bank) throw notFound("No such bank", NO_BANK);
  if (!canSetTarget(c.var.user, bank.id)) {
    throw forbidden("Your role may not set targets", ROLE_TARGETS);
  }
  return bank;
}

function stateOf(target: (LensTarget & { note: string }) | null): FormState {
  const rows = Object.fromEntries(MODEL.dimensions.map((d) => {
    const t = target?.dimensions[d.id];
    return [d.id, t ? [t.kind, String(t.value)] : ["", ""]];
  })) as FormState["rows"];
  return { targetDate: target?.targetDate ?? "", note: target?.note ?? "", rows };
}

function page(c: Context<AppEnv>, bank: Bank, state: FormState, error?: string) {
  const { t, locale } = c.var;
  const title = t("plan.form.title", { bank: locale === "zh-CN" ? bank.nameZh : bank.nameEn });
  return renderPage(c, {
    title,
    body: (
      <div class="scorecard">
        <h1>{title}</h1>
        <p class="muted">{t("plan.form.help")}</p>
        {error && <p class="notice" role="alert">{t("plan.form.error", { message: error })}</p>}
        <form method="post" class="card" data-testid="target-form">
          <label>
            {t("plan.form.date")}{" "}
            <input type="date" name="targetDate" value={state.targetDate} required />
          </label>
          <DataTable
            columns={[
              { header: t("plan.dimension"), rowHeader: true, cell: (d) => nameOf(locale, d) },
              {
                header: t("plan.target"),
                cell: (d) => (
                  <select
                    name={`kind.${d.id}`}
                    aria-label={`${nameOf(locale, d)} ${t("plan.target")}`}
                  >
                    <option value="" selected={state.rows[d.id][0] === ""}>
                      {t("plan.noTarget")}
                    </option>
                    <option value="level" selected={state.rows[d.id][0] === "level"}>
                      {t("plan.kind.level")}
                    </option>
                    <option value="score" selected={state.rows[d.id][0] === "score"}>
                      {t("plan.kind.score")}
                    </option>
                  </select>
                ),
              },
              {
                header: t("plan.form.value"),
                cell: (d) => (
                  <input
                    type="number"
                    name={`value.${d.id}`}
                    value={state.rows[d.id][1]}
                    min="0"
                    max="100"
                    step="any"
                    aria-label={`${nameOf(locale, d)} ${t("plan.form.value")}`}
                  />
                ),
              },
            ]}
            rows={MODEL.dimensions}
            rowKey={(d) => d.id}
          />
          <label>
            {t("plan.note")}
            <textarea name="note" maxLength={500} rows={2}>{state.note}</textarea>
          </label>
          <p>
            <button type="submit">{t("plan.form.save")}</button>{" "}
            <a href={`/banks/${bank.id}#roadmap`}>{t("report.back")}</a>
          </p>
        </form>
        <form method="post" action={`/banks/${bank.id}/targets/clear`}>
          <button type="submit" class="secondary">{t("plan.form.clear")}</button>
        </form>
      </div>
    ),
  });
}

/** The target form: the bank's executive and admins (others 403, out of scope 404). */
app.get("/banks/:id/targets", async (c) => {
  const bank = await bankFor(c);
  return page(c, bank, stateOf(await getTarget(c.var.db, c.var.scope, bank.id)));
});

app.post("/banks/:id/targets", async (c) => {
  const bank = await bankFor(c);
  const form = await c.req.parseBody();
  const text = (k: string) => typeof form[k] === "string" ? (form[k] as string) : "";
  const state: FormState = {
    targetDate: text("targetDate"),
    note: text("note"),
    rows: Object.fromEntries(
      MODEL.dimensions.map((d) => [d.id, [text(`kind.${d.id}`), text(`value.${d.id}`)]]),
    ),
  };
  const dimensions = Object.fromEntries(
    Object.entries(state.rows).filter(([, [kind]]) => kind !== "").map((
      [id, [kind, value]],
    ) => [id, { kind, value: value.trim() === "" ? NaN : Number(value) }]),
  );
  try {
    await setTarget(c, bank, { targetDate: state.targetDate, dimensions, note: state.note });
  } catch (error) {
    if (error instanceof AppError && error.status === 400) {
      return page(c, bank, state, messageIn(error, c.var.t));
    }
    throw error;
  }
  return c.redirect(`/banks/${bank.id}?target=saved#roadmap`, 303);
});

app.post("/banks/:id/targets/clear", async (c) => {
  const bank = await bankFor(c);
  await clearTarget(c, bank);
  return c.redirect(`/banks/${bank.id}#roadmap`, 303);
});

export default app;
