/**
 * The experiment page's schedule card (issue 18, part 5): `experimentScheduleSection(c, e)`
 * renders it (routes/experiments/detail.tsx), and `POST /experiments/:key/schedule` saves or
 * clears it from its form. The form's times are wall-clock times in the bank's time zone
 * (lib/digests/period.ts `localToInstant`); a refusal comes back as `?scheduleError=<CODE>`.
 */
import { type Context, Hono } from "hono";
import { ScheduleCard } from "../../components/experiments/ScheduleCard.tsx";
import { experimentHref } from "../../components/experiments/links.ts";
import type { Experiment } from "../../db/experiments.ts";
import { bankTimeZone, getSchedule } from "../../db/schedules.ts";
import { localToInstant } from "../../lib/digests/period.ts";
import { AppError } from "../../lib/errors.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { canManage, experimentOf, requireManager } from "./_service.ts";
import { clearSchedule, saveSchedule, scheduleView } from "./_schedule.ts";

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
