/**
 * The experiment page's schedule card (issue 18, part 5): `experimentScheduleSection(c, e)`
 * renders it (routes/experiments/detail.tsx), and `POST /experiments/:key/schedule` saves or
 * clears it from its form. The form's times are wall-clock times in the bank's time zone
 * (lib/digests/period.ts `localToInstant`); a refusal comes back as `?scheduleError=<CODE>`.
 * The new-experiment and edit forms take the same three fields (`ScheduleFields`,
 * `withFormSchedule`).
 */
import { type Context, Hono } from "hono";
import { ScheduleCard } from "../../components/experiments/ScheduleCard.tsx";
import { experimentHref } from "../../components/experiments/links.ts";
import type { Experiment } from "../../db/experiments.ts";
import { bankTimeZone, getSchedule } from "../../db/schedules.ts";
import { instantToLocal, localToInstant } from "../../lib/digests/period.ts";
import type { ScheduleInput } from "../../lib/experiments/schedule.ts";
import type { Translate } from "../../lib/i18n/mod.ts";
import { AppError } from "../../lib/errors.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { canManage, experimentOf, requireManager } from "./_service.ts";
import { checkedSchedule, clearSchedule, saveSchedule, scheduleView } from "./_schedule.ts";
import type { Fields } from "./_form.tsx";

type Ctx = Context<AppEnv>;

export async function experimentScheduleSection(c: Ctx, e: Experiment) {
  const [stored, timeZone] = await Promise.all([
    getSchedule(c.var.db, e.id),
    bankTimeZone(c.var.db, e.bankId),
  ]);
  const editable = canManage(c) && (e.status === "draft" || e.status === "running");
  if (!stored && !editable) return null;
  return (
    <ScheduleCard
      schedule={scheduleView(stored, timeZone)}
      timeZone={timeZone}
      status={e.status}
      plannedSampleSize={e.plannedSampleSize}
      action={editable ? experimentHref(e, "/schedule") : null}
      error={c.req.query("scheduleError")?.replace(/[^A-Z_]/g, "").slice(0, 40) ?? null}
      t={c.var.t}
      locale={c.var.locale}
    />
  );
}

/** A local time of the form in the bank's zone as ISO; null when empty; 400 when not a time. */
function instantOf(text: string, timeZone: string): string | null {
  if (text === "") return null;
  const instant = localToInstant(text, timeZone);
  if (!instant) {
    const error = new AppError(400, "SCHEDULE_TIME_INVALID", "Not a date and time");
    error.translation = { key: "schedule.error.SCHEDULE_TIME_INVALID" };
    throw error;
  }
  return instant.toISOString();
}

const field = (f: Fields, name: string) => {
  const v = f[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
};

/** The schedule fields of the experiment forms, prefilled from `fields`. */
export function ScheduleFields(
  { t, fields, timeZone }: { t: Translate; fields: Fields; timeZone: string },
) {
  return (
    <fieldset data-testid="form-schedule">
      <legend>{t("schedule.title")}</legend>
      <div class="form-row">
        <label>
          {t("schedule.field.startAt")}
          <input
            type="datetime-local"
            name="schedule-startAt"
            value={field(fields, "schedule-startAt")}
          />
        </label>
        <label>
          {t("schedule.field.stopAt")}
          <input
            type="datetime-local"
            name="schedule-stopAt"
            value={field(fields, "schedule-stopAt")}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="schedule-stopWhenSampleReached"
            checked={field(fields, "schedule-stopWhenSampleReached") === "on"}
          />{" "}
          {t("schedule.field.stopOnSample")}
        </label>
      </div>
      <p class="muted small">{t("schedule.zoneNote", { zone: timeZone })}</p>
    </fieldset>
  );
}

/** The stored schedule as the forms' fields. */
export async function scheduleFieldsOf(c: Ctx, e: Experiment): Promise<Fields> {
  const [stored, timeZone] = await Promise.all([
    getSchedule(c.var.db, e.id),
    bankTimeZone(c.var.db, e.bankId),
  ]);
  if (!stored) return {};
  return {
    "schedule-startAt": stored.startAt ? instantToLocal(stored.startAt, timeZone) : "",
    "schedule-stopAt": stored.stopAt ? instantToLocal(stored.stopAt, timeZone) : "",
    "schedule-stopWhenSampleReached": stored.stopWhenSampleReached ? "on" : "",
  };
}

/**
 * Creates or edits an experiment from a form with its schedule fields: the schedule is checked
 * first (nothing is stored when it is refused), then `save` runs, then the schedule is stored
 * (or cleared when every field is empty). `existing` is the edited experiment (null: new).
 */
export async function withFormSchedule(
  c: Ctx,
  fields: Fields,
  target: { bankId: string | null; existing: Experiment | null },
  save: () => Promise<Experiment>,
): Promise<Experiment> {
  const timeZone = await bankTimeZone(c.var.db, target.bankId ?? c.var.user?.bankId ?? "");
  const input: ScheduleInput = {
    startAt: instantOf(field(fields, "schedule-startAt"), timeZone),
    stopAt: instantOf(field(fields, "schedule-stopAt"), timeZone),
    stopWhenSampleReached: field(fields, "schedule-stopWhenSampleReached") === "on",
  };
  const wanted = Boolean(input.startAt || input.stopAt || input.stopWhenSampleReached);
  const planned = field(fields, "planned") !== ""
    ? Number(field(fields, "planned"))
    : field(fields, "baseline") !== ""
    ? 1
    : null;
  if (wanted) {
    await checkedSchedule(
      c,
      target.existing ?? { id: "", status: "draft", plannedSampleSize: null },
      input,
      { plannedSampleSize: planned },
    );
  }
  const saved = await save();
  if (wanted) await saveSchedule(c, saved, input);
  else if (target.existing) await clearSchedule(c, saved);
  return saved;
}

const app = new Hono<AppEnv>();

app.post("/experiments/:key/schedule", async (c) => {
  const e = await experimentOf(c);
  requireManager(c);
  const form = await c.req.parseBody();
  const back = experimentHref(e);
  const text = (name: string) => typeof form[name] === "string" ? String(form[name]).trim() : "";
  try {
    if (form.do === "clear") {
      await clearSchedule(c, e);
    } else {
      const timeZone = await bankTimeZone(c.var.db, e.bankId);
      const at = (name: string): string | null => {
        if (text(name) === "") return null;
        const instant = localToInstant(text(name), timeZone);
        if (!instant) throw new AppError(400, "SCHEDULE_TIME_INVALID", "Not a date and time");
        return instant.toISOString();
      };
      // A started experiment's form has no start: the stored one stays.
      const stored = e.status === "draft" ? null : await getSchedule(c.var.db, e.id);
      await saveSchedule(c, e, {
        startAt: e.status === "draft" ? at("startAt") : stored?.startAt?.toISOString() ?? null,
        stopAt: at("stopAt"),
        stopWhenSampleReached: form.stopWhenSampleReached === "on",
      });
    }
  } catch (error) {
    if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
      const join = back.includes("?") ? "&" : "?";
      return c.redirect(`${back}${join}scheduleError=${error.code}#schedule`, 303);
    }
    throw error;
  }
  return c.redirect(back, 303);
});

export default app;
