import { Hono } from "hono";
import type { Context } from "hono";
import { listBanks } from "../../db/banks.ts";
import { groupName } from "../../components/lens/names.ts";
import { renderPage } from "../../components/render.tsx";
import { AppError, forbidden, messageIn } from "../../lib/errors.ts";
import { MODEL } from "../../lib/lens/model.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { canUseCustomGroups, createGroup, removeGroup } from "../api/peer_groups.ts";
import { customGroupsOf } from "./_custom.ts";

const app = new Hono<AppEnv>();

async function page(
  c: Context<AppEnv>,
  state: { name: string; bankIds: string[]; error?: string } = { name: "", bankIds: [] },
) {
  const { t, locale } = c.var;
  const [banks, groups] = await Promise.all([listBanks(c.var.db), customGroupsOf(c)]);
  const bankName = (id: string) => {
    const b = banks.find((x) => x.id === id);
    return b ? (locale === "zh-CN" ? b.nameZh : b.nameEn) : id;
  };
  return renderPage(c, {
    title: t("groups.title"),
    body: (
      <div class="scorecard">
        <h1>{t("groups.title")}</h1>
        <p class="muted">{t("groups.help", { k: MODEL.peer_statistics.k_min })}</p>
        {state.error && <p class="notice" role="alert" data-testid="group-error">{state.error}</p>}
        <section class="card" data-testid="group-list">
          {groups.length === 0 ? <p class="muted">{t("groups.empty")}</p> : (
            <ul class="plain">
              {groups.map((g) => (
                <li>
                  <a href={`/peers?custom=${g.id}`}>
                    <strong>{g.name}</strong>
                  </a>{" "}
                  <span class="muted small">
                    {t("groups.count", { n: g.bankIds.length })}:{" "}
                    {g.bankIds.map(bankName).join(locale === "zh-CN" ? "、" : ", ")}
                  </span>
                  <form method="post" action={`/peers/groups/${g.id}/delete`} class="inline">
                    <button type="submit" class="secondary">{t("groups.delete")}</button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </section>
        <form method="post" action="/peers/groups" class="card" data-testid="group-form">
          <label>
            {t("groups.name")} <input name="name" value={state.name} maxLength={80} required />
          </label>
          <fieldset>
            <legend>{t("groups.members")}</legend>
            {MODEL.peer_groups.map((pg) => (
              <div class="small">
                <strong>{groupName(locale, t, pg.id)}</strong>
                {banks.filter((b) => b.peerGroup === pg.id).map((b) => (
                  <label class="inline">
                    <input
                      type="checkbox"
                      name="bankIds"
                      value={b.id}
                      checked={state.bankIds.includes(b.id)}
                    />{" "}
                    {bankName(b.id)}
                  </label>
                ))}
              </div>
            ))}
          </fieldset>
          <button type="submit">{t("groups.create")}</button>
        </form>
      </div>
    ),
  });
}

function guard(c: Context<AppEnv>) {
  if (!canUseCustomGroups(c.var.user)) {
    throw forbidden("Only consultants and admins", { key: "groups.err.role" });
  }
}

/** The caller's custom peer groups: list, create, delete (consultants and admins). */
app.get("/peers/groups", (c) => {
  guard(c);
  return page(c);
});

app.post("/peers/groups", async (c) => {
  guard(c);
  const form = await c.req.parseBody({ all: true });
  const raw = form["bankIds"];
  const bankIds = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .filter((x): x is string => typeof x === "string");
  const name = typeof form["name"] === "string" ? form["name"] : "";
  try {
    const group = await createGroup(c, { name, bankIds });
    return c.redirect(`/peers?custom=${group.id}`, 303);
  } catch (error) {
    if (error instanceof AppError && error.status < 500 && error.status !== 403) {
      return page(c, { name, bankIds, error: messageIn(error, c.var.t) });
    }
    throw error;
  }
});

app.post("/peers/groups/:id/delete", async (c) => {
  guard(c);
  await removeGroup(c, c.req.param("id"));
  return c.redirect("/peers/groups", 303);
});

export default app;
