import type { Context } from "hono";
import { AppError } from "../../lib/errors.ts";
import type { MessageKey } from "../../lib/i18n/mod.ts";
import type { AppEnv } from "../../plugins/context.ts";

/** Error codes the admin forms explain in the user's language; others show their code. */
const EXPLAINED = new Set([
  "WEAK_PASSWORD",
  "EMAIL_TAKEN",
  "BANK_REQUIRED",
  "UNKNOWN_BANK",
  "NOT_A_CONSULTANT",
  "CANNOT_CHANGE_SELF",
  "VALIDATION_ERROR",
  "NOT_FOUND",
  "INVALID_TEXT",
]);

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
    const text = EXPLAINED.has(code) ? t(`admin.error.${code}` as MessageKey) : code;
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
