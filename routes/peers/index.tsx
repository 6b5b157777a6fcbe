import { Hono } from "hono";
import { Island } from "../../components/Island.tsx";
import { groupName } from "../../components/lens/names.ts";
import { PeerNote } from "../../components/lens/PeerNote.tsx";
import { PeerTable } from "../../components/lens/PeerTable.tsx";
import { radarProps } from "../../components/lens/radar.ts";
import { Ranking } from "../../components/lens/Ranking.tsx";
import { renderPage } from "../../components/render.tsx";
import QuartileChart from "../../islands/QuartileChart.tsx";
import LensRadar from "../../islands/LensRadar.tsx";
import { MODEL } from "../../lib/lens/model.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { byFigure, scoredPeers } from "../banks/_data.ts";
import { GROUP_IDS, loadPeerView } from "./_data.ts";
import { customGroupsOf, loadCustomPeerView } from "./_custom.ts";
import { CustomGroupNote, CustomGroupPick } from "../../components/lens/CustomGroups.tsx";
import groups from "./groups.tsx";
import { canUseCustomGroups } from "../api/peer_groups.ts";
import { Clusters } from "../../components/lens/Clusters.tsx";
import { peerClusters } from "../../lib/lens/clusters.ts";
import { quartileProps } from "./_charts.ts";

const app = new Hono<AppEnv>();

/** Peer benchmarking: aggregates of a group, a bank of the viewer's against it. */
app.get("/peers", async (c) => {
  const { t, locale } = c.var;
  const customId = c.req.query("custom");
  const customGroups = await customGroupsOf(c);
  const custom = customId ? await loadCustomPeerView(c, customId) : null;
  const view = custom ?? await loadPeerView(c);
  const { bank, figures } = view;
  const peers = bank && !custom ? await scoredPeers(c.var.db) : [];
  const self = peers.find((p) => p.bankId === bank?.id);
  const clusters = self ? peerClusters(peers, view.group, self) : null;
  const of = (kind: string) => figures.filter((f) => f.kind === kind);
  const bankName = bank ? (locale === "zh-CN" ? bank.nameZh : bank.nameEn) : "";
  const own = bank && figures.some((f) => f.value !== null) ? figures : null;
  const query = new URLSearchParams({
    ...(custom ? { custom: custom.custom.id } : { group: view.group }),
    ...(bank ? { bankId: bank.id } : {}),
  });
  const overlay = radarProps("capability", null, byFigure(figures), {
    locale,
    t,
    bankName,
    testid: "radar-overlay",
  });
  if (own) {
    overlay.series.unshift({
      kind: "bank",
      label: bankName,
      data: of("capability").map((f) => f.value),
    });
  }
  return renderPage(c, {
    title: t("lens.peers"),
    body: (
      <>
        <header class="page-head">
          <h1>{t("lens.peers")}</h1>
          <form method="get" action="/peers" class="form-row" data-testid="peer-form">
            <label>
              {t("lens.pickGroup")}
              <select name="group">
                {GROUP_IDS.map((g) => (
                  <option value={g} selected={g === view.group}>{groupName(locale, t, g)}</option>
                ))}
              </select>
            </label>
            <label>
              {t("lens.pickBank")}
              <select name="bankId">
                <option value="">{t("lens.none")}</option>
                {view.choices.map((b) => (
                  <option value={b.id} selected={b.id === bank?.id}>
                    {locale === "zh-CN" ? b.nameZh : b.nameEn}
                  </option>
                ))}
              </select>
            </label>
            <CustomGroupPick groups={customGroups} current={custom?.custom.id} t={t} />
            <button type="submit">{t("lens.show")}</button>
          </form>
          <p class="page-links">
            <a href={`/api/peers/export.csv?${query}`} download>{t("lens.csvExport")}</a>
            {" · "}
            <a href={`/api/peers/export.xlsx?${query}`} download>{t("lens.xlsxExport")}</a>
            {canUseCustomGroups(c.var.user) && (
              <>
                {" · "}
                <a href="/peers/groups" data-testid="manage-groups">{t("groups.manage")}</a>
              </>
            )}
          </p>
          <p class="muted small">
            {t("lens.basis")} {t("lens.privacy", { k: MODEL.peer_statistics.k_min })}
          </p>
        </header>
        {custom
          ? <CustomGroupNote view={custom} t={t} />
          : <PeerNote summary={figures[0].summary} locale={locale} t={t} />}
        <div class="grid top-grid">
          <Island
            component={QuartileChart}
            props={quartileProps("dimension", figures, !!own, { locale, t, bankName })}
          />
          <Island component={LensRadar} props={overlay} />
        </div>
        <Island
          component={QuartileChart}
          props={quartileProps("capability", figures, !!own, { locale, t, bankName })}
        />
        {clusters && (
          <Clusters view={clusters} groupLabel={groupName(locale, t, clusters.group)} t={t} />
        )}
        <Ranking ranking={view.ranking} locale={locale} t={t} />
        <PeerTable
          title={t("lens.dimensions")}
          testid="peer-dimensions"
          figures={[...of("overall"), ...of("dimension")]}
          withBank={!!own}
          {...{ locale, t }}
        />
        <PeerTable
          title={t("lens.capabilities")}
          testid="peer-capabilities"
          figures={of("capability")}
          withBank={!!own}
          {...{ locale, t }}
        />
        <PeerTable
          title={t("lens.indicators")}
          testid="peer-indicators"
          figures={of("indicator")}
          withBank={!!own}
          {...{ locale, t }}
        />
      </>
    ),
  });
});

app.route("/", groups);

export default app;
