import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { DataTable } from "../DataTable.tsx";
import type { RankingEntry } from "../../lib/lens/benchmark.ts";
import type { PeerSummary } from "../../lib/lens/peers.ts";
import { groupName } from "./names.ts";

interface Props {
  ranking: {
    summary: PeerSummary;
    n: number;
    entries: (RankingEntry & { bank: { nameZh: string; nameEn: string } })[];
  };
  locale: Locale;
  t: Translate;
}

/** The ranking by overall score: only banks in the viewer's scope are named. */
export function Ranking({ ranking, locale, t }: Props) {
  return (
    <section class="card" data-testid="ranking">
      <h2>{t("lens.ranking")} · {groupName(locale, t, ranking.summary.group)}</h2>
      {ranking.summary.group !== null && (
        <p class="muted small">{t("lens.rankNote", { n: ranking.n })}</p>
      )}
      {ranking.entries.length === 0 ? <p class="muted">{t("lens.noRanking")}</p> : (
        <DataTable
          columns={[
            { header: t("lens.rank"), cell: (e) => `${e.rank} / ${ranking.n}` },
            {
              header: t("banks.name"),
              cell: (e) => (
                <a href={`/banks/${e.bankId}`}>
                  {locale === "zh-CN" ? e.bank.nameZh : e.bank.nameEn}
                </a>
              ),
            },
            {
              header: t("lens.overall"),
              numeric: true,
              cell: (e) => formatNumber(locale, e.score),
            },
            {
              header: t("lens.percentile"),
              numeric: true,
              cell: (e) => formatNumber(locale, e.percentile),
            },
          ]}
          rows={ranking.entries}
          rowKey={(e) => e.bankId}
          rowProps={(e) => ({ "data-bank": e.bankId })}
        />
      )}
    </section>
  );
}
