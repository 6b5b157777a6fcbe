import { Hono } from "hono";
import { listBanks } from "../../db/banks.ts";
import { MODEL } from "../../lib/lens/model.ts";
import { DataTable } from "../../components/DataTable.tsx";
import { renderPage } from "../../components/render.tsx";
import { inScope } from "../../lib/scope.ts";
import type { AppEnv } from "../../plugins/context.ts";
import assessments from "./assessments.tsx";
import report from "./report.tsx";
import scorecard from "./scorecard.tsx";
import targets from "./targets.tsx";
import assessors from "./assessors.tsx";

const app = new Hono<AppEnv>();

/** The banks on the platform: names and peer groups only (public facts, no figures). */
app.get("/banks", async (c) => {
  const { t, locale, db, scope } = c.var;
  const banks = await listBanks(db);
  const groupName = (id: string) => {
    const group = MODEL.peer_groups.find((g) => g.id === id);
    return group ? (locale === "zh-CN" ? group.name_zh : group.name_en) : id;
  };
  return renderPage(c, {
    title: t("banks.title"),
    body: (
      <>
        <h1>{t("banks.title")}</h1>
        <DataTable
          rows={banks}
          rowKey={(b) => b.id}
          columns={[
            { header: t("banks.id"), cell: (b) => <code>{b.id}</code> },
            {
              header: t("banks.name"),
              cell: (b) => (
                <>
                  {inScope(scope, b.id)
                    ? <a href={`/banks/${b.id}`}>{locale === "zh-CN" ? b.nameZh : b.nameEn}</a>
                    : <span>{locale === "zh-CN" ? b.nameZh : b.nameEn}</span>}
                  {b.synthetic && (
                    <span class="badge muted" title={t("banks.synthetic")}>demo</span>
                  )}
                </>
              ),
            },
            { header: t("banks.peerGroup"), cell: (b) => groupName(b.peerGroup) },
          ]}
        />
      </>
    ),
  });
});

app.route("/", scorecard);
app.route("/", report);
app.route("/", assessors);
app.route("/", assessments);
app.route("/", targets);

export default app;
