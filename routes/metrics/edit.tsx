import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MetricForm } from "../../components/metrics/MetricForm.tsx";
import { metricHref } from "../../components/metrics/links.ts";
import {
  blankFields,
  type FieldErrors,
  type Fields,
  fieldsOf,
  one,
  parseMetricForm,
  previewNames,
} from "../../components/metrics/metric_form.ts";
import { renderPage } from "../../components/render.tsx";
import type { Bank } from "../../db/banks.ts";
import { previewEvents } from "../../db/metric_preview.ts";
import {
  builtinMetricError,
  createMetric,
  getMetric,
  type LibraryMetric,
  reviseMetric,
  unknownMetric,
} from "../../db/metrics.ts";
import { AppError, badRequest, BANK_REQUIRED, forbidden, messageIn } from "../../lib/errors.ts";
import { METRIC_KEY_PATTERN, storedDefinition } from "../../lib/metrics/definition.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser } from "../../plugins/session.ts";
import { canDefine, libraryBank } from "./_bank.ts";

type Ctx = Context<AppEnv>;
const app = new Hono<AppEnv>();

/** The bank of a create or edit: only growth users and admins, and a bank must be named. */
async function definerBank(c: Ctx): Promise<Bank> {
  if (!canDefine(c)) {
    throw forbidden("Your role may not define metrics", { key: "error.api.role.metrics" });
  }
  const bank = await libraryBank(c);
  if (!bank) throw badRequest("BANK_REQUIRED", 'Say which bank with "?bank="', BANK_REQUIRED);
  return bank;
}

/** The stored metric being edited (404 unknown, 409 for a built-in). */
async function editedMetric(c: Ctx, bank: Bank): Promise<LibraryMetric> {
  const key = c.req.param("key") ?? "";
  if (!METRIC_KEY_PATTERN.test(key)) throw unknownMetric(key.slice(0, 64));
  const metric = await getMetric(c.var.db, bank.id, key);
  if (!metric) throw unknownMetric(key);
  if (metric.builtin) throw builtinMetricError(key);
  return metric;
}

interface FormState {
  bank: Bank;
  fields: Fields;
  errors?: FieldErrors;
  metric?: LibraryMetric;
  preview?: boolean;
}

async function formPage(c: Ctx, s: FormState, status: ContentfulStatusCode = 200) {
  const { t, locale } = c.var;
  const preview = s.preview
    ? await previewEvents(c.var.db, s.bank.id, previewNames(s.fields), c.var.now())
    : null;
  const title = s.metric
    ? t("metrics.form.editTitle", { key: s.metric.key })
    : t("metrics.form.newTitle");
  return renderPage(c, {
    title,
    status,
    body: (
      <>
        <header class="page-head">
          <p class="small">
            <a href={metricHref(s.bank.id, s.metric?.key ?? "")}>← {t("metrics.detail.back")}</a>
          </p>
          <h1>
            {title} <span class="badge" data-testid="bank">{s.bank.id}</span>
          </h1>
        </header>
        <MetricForm
          t={t}
          locale={locale}
          fields={s.fields}
          action={metricHref(s.bank.id, s.metric?.key ?? "", s.metric ? "/edit" : "/new")}
          isNew={!s.metric}
          errors={s.errors ?? {}}
          preview={preview}
          nextVersion={s.metric ? s.metric.version + 1 : undefined}
        />
      </>
    ),
  });
}

const actorOf = (c: Ctx) => ({ actorUserId: currentUser(c).id, actor: currentUser(c).email });

/** A refusal the form shows next to a field (409 from the library) instead of an error page. */
function refusal(error: unknown, c: Ctx, key: string): FieldErrors {
  if (!(error instanceof AppError) || (error.status !== 409 && error.status !== 400)) throw error;
  if (error.code === "METRIC_EXISTS") {
    return { key: c.var.t("metrics.err.taken", { field: c.var.t("metrics.form.key"), key }) };
  }
  return { form: messageIn(error, c.var.t) };
}

app.get("/metrics/new", async (c) => {
  return formPage(c, { bank: await definerBank(c), fields: blankFields() });
});

app.post("/metrics/new", async (c) => {
  const bank = await definerBank(c);
  const fields = (await c.req.parseBody({ all: true })) as Fields;
  if (one(fields, "intent") === "preview") return formPage(c, { bank, fields, preview: true });
  const parsed = parseMetricForm(fields, c.var.t, true);
  if (!parsed.ok) return formPage(c, { bank, fields, errors: parsed.errors }, 400);
  try {
    const def = storedDefinition(parsed.definition);
    await createMetric(c.var.db, actorOf(c), bank.id, parsed.key, def);
  } catch (error) {
    return formPage(c, { bank, fields, errors: refusal(error, c, parsed.key) }, 409);
  }
  return c.redirect(metricHref(bank.id, parsed.key), 303);
});

app.get("/metrics/:key/edit", async (c) => {
  const bank = await definerBank(c);
  const metric = await editedMetric(c, bank);
  return formPage(c, { bank, metric, fields: fieldsOf(metric, metric.key) });
});

app.post("/metrics/:key/edit", async (c) => {
  const bank = await definerBank(c);
  const metric = await editedMetric(c, bank);
  const fields = (await c.req.parseBody({ all: true })) as Fields;
  if (one(fields, "intent") === "preview") {
    return formPage(c, { bank, metric, fields, preview: true });
  }
  const parsed = parseMetricForm(fields, c.var.t, false);
  if (!parsed.ok) return formPage(c, { bank, metric, fields, errors: parsed.errors }, 400);
  try {
    const def = storedDefinition(parsed.definition);
    await reviseMetric(c.var.db, actorOf(c), bank.id, metric.key, def);
  } catch (error) {
    return formPage(c, { bank, metric, fields, errors: refusal(error, c, metric.key) }, 409);
  }
  return c.redirect(metricHref(bank.id, metric.key), 303);
});

export default app;
