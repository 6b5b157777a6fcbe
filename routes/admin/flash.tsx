import type { Context } from "hono";
import { AppError } from "../../lib/errors.ts";
import { keyFor } from "../../lib/i18n/mod.ts";
import type { AppEnv } from "../../plugins/context.ts";

/**
 * Runs a form action, then goes back to `back` with `?done=<done>`; a 4xx `AppError` goes back
 * with `?error=<CODE>` instead (Post/Redirect/Get, so a reload does not repeat the action).
 */
export async function formAction(
  c: Context<AppEnv>,
  back: string,
  done: string,
  action: () => Promise<unknown>,
) {
  try {
    await action();
    return c.redirect(`${back}?done=${done}`, 303);
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      return c.redirect(`${back}?error=${encodeURIComponent(error.code)}`, 303);
    }
    throw error;
  }
}

/** The message after a form action, from `?done=` or `?error=`. */
export function Flash(props: { c: Context<AppEnv> }) {
  const { t } = props.c.var;
  const done = props.c.req.query("done");
  const error = props.c.req.query("error");
  if (error) {
    const code = error.replace(/[^A-Z_]/g, "").slice(0, 40);
    const text = t(keyFor("admin.error.", code) ?? "admin.error.other");
    return (
      <p class="flash warning" role="alert" data-testid="flash-error">
        {t("admin.failed")}: {text}
      </p>
    );
  }
  if (done) return <p class="flash" role="status" data-testid="flash-done">{t("admin.saved")}</p>;
  return null;
}

/** A form field as a string ("" when missing or a file). */
export function field(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === "string" ? value.trim() : "";
}
