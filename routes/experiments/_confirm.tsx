/**
 * The confirmation step of the irreversible loop actions (stop, decide, promote): a page that
 * says what the action will do, with the recommendation beside the choice, and a form that
 * posts the action again with `confirmed=yes`. Plain HTML, so it works without JavaScript, and
 * the server acts only on a confirmed request.
 */
import type { Context } from "hono";
import { experimentHref } from "../../components/experiments/links.ts";
import { renderPage } from "../../components/render.tsx";
import type { Experiment } from "../../db/experiments.ts";
import { defaultWinner } from "../../lib/experiments/decisions.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { resultsOf } from "./_results.ts";

export type ConfirmedMove = "stop" | "decide" | "promote";

/** True when the form says the user confirmed on the confirmation page. */
export function isConfirmed(form: Record<string, unknown>): boolean {
  return form.confirmed === "yes";
}

export async function confirmPage(
  c: Context<AppEnv>,
  e: Experiment,
  move: ConfirmedMove,
  options: { winner?: string; abConfirm?: boolean } = {},
) {
  const t = c.var.t;
  const rec = e.status === "draft" ? null : (await resultsOf(c, e)).readout.recommendation;
  const control = e.variants[0].name;
  const recommended = rec ? defaultWinner(rec, control) : control;
  const winner = options.winner ?? recommended;
  const title = move === "stop"
    ? t("act.confirm.stop", { name: e.name })
    : move === "decide"
    ? t("act.confirm.decide", { name: e.name, winner })
    : t(winner === control ? "act.confirm.keepControl" : "act.confirm.promote", { winner });
  return renderPage(c, {
    title,
    body: (
      <section class="card confirm" data-testid="confirm" data-action={move}>
        <h1>{title}</h1>
        <p>{t(`act.what.${move}`)}</p>
        {options.abConfirm && <p>{t("act.confirm.abConfirm")}</p>}
        <p class="warn-text">
          <strong>{t("act.confirm.irreversible")}</strong>
        </p>
        {rec && (
          <p data-testid="confirm-recommendation">
            {t("act.confirm.recommendation", {
              text: t(`loop.rec.${rec.action}`, { name: rec.winner ?? "" }),
            })}
          </p>
        )}
        {move !== "stop" && winner !== recommended && (
          <p class="errors" role="alert" data-testid="confirm-against">
            {t("act.confirm.against", { winner, recommended })}
          </p>
        )}
        <form method="post" action={experimentHref(e, `/${move}`)} class="inline">
          <input type="hidden" name="confirmed" value="yes" />
          {move !== "stop" && <input type="hidden" name="winner" value={winner} />}
          {options.abConfirm && <input type="hidden" name="confirm" value="on" />}
          <button type="submit" class="danger" data-testid="confirm-yes">
            {move === "decide"
              ? t("act.confirm.yes.decide", { winner })
              : t(`act.confirm.yes.${move}`)}
          </button>{" "}
          <a href={experimentHref(e)} data-testid="confirm-cancel">{t("act.confirm.cancel")}</a>
        </form>
      </section>
    ),
  });
}

/** A key that several banks in the caller's scope use: links to each bank's experiment. */
export function chooseBankPage(c: Context<AppEnv>, key: string, banks: string[]) {
  const t = c.var.t;
  return renderPage(c, {
    title: t("act.bank.title", { key }),
    status: 300,
    body: (
      <section class="card" data-testid="choose-bank">
        <h1>{t("act.bank.title", { key })}</h1>
        <p>{t("act.bank.intro")}</p>
        <ul>
          {banks.map((bankId) => (
            <li>
              <a href={experimentHref({ key, bankId })}>{bankId}</a>
            </li>
          ))}
        </ul>
      </section>
    ),
  });
}
